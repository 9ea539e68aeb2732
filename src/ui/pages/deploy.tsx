import { useEffect, useRef } from 'hono/jsx/dom'
import { useState } from '../hooks'
import { ApiError, fieldPath, call, client, errorText } from '../api'
import { ErrorNote, Loading, Progress, StatusBadge } from '../components/bits'
import { Catalogue, type TemplateItem } from '../components/catalogue'
import { SecretsOnce } from '../components/secrets-once'
import { PullProgress } from '../components/pull-progress'
import { bytesOf, foldLayer, type LayerState, pullTotals } from '../../deploy/pull'
import { onLive } from '../live'
import { href, navigate } from '../router'

/** Deploy: choose a template and a tier, fill its variables, watch the deployment live. */
export function DeployPage({ templateId }: { templateId?: string }) {
  if (!templateId) {
    return (
      <section aria-labelledby="deploy-title">
        <h1 id="deploy-title">Deploy a service</h1>
        <p class="muted">Choose what to run.</p>
        <Catalogue
          actions={(t) => (
            <a class="button" href={href('deploy', t.id)} aria-label={`Deploy ${t.name}`}>
              Deploy
            </a>
          )}
        />
      </section>
    )
  }
  return <DeployForm templateId={templateId} />
}

interface Step {
  step: string
  status: string
  message: string
  progress?: number
  layer?: string
}

function DeployForm({ templateId }: { templateId: string }) {
  const [template, setTemplate] = useState<TemplateItem | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({})
  const [deploymentId, setDeploymentId] = useState<string | null>(null)
  const [steps, setSteps] = useState<Step[]>([])
  const [layers, setLayers] = useState<Record<string, LayerState>>({})
  const [secrets, setSecrets] = useState<Record<string, string> | null>(null)
  const [serviceId, setServiceId] = useState<string | null>(null)
  const [done, setDone] = useState<'completed' | 'failed' | null>(null)
  // Read by the live listener: events may arrive before the next render re-subscribes it.
  const watching = useRef<string | null>(null)

  useEffect(() => {
    call(client.api.templates[':id'].$get({ param: { id: templateId } })).then(
      (b) => setTemplate(b.template),
      (e) => setError(errorText(e)),
    )
  }, [templateId])

  useEffect(
    () =>
      onLive((batch) => {
        const mine = batch.filter(
          (e) => e.type === 'deployment-progress' && watching.current && e.data.deploymentId === watching.current,
        )
        if (mine.length === 0) return
        setSteps((old) => [...old, ...mine.map((e) => e.data as Step)])
        setLayers((old) => {
          const next = { ...old }
          for (const { data } of mine)
            if (typeof data.layer === 'string') next[data.layer] = foldLayer(next[data.layer], data)
          return next
        })
        for (const { data } of mine) {
          if (data.step === 'done' && data.status === 'completed') setDone('completed')
          if (data.status === 'failed') {
            setDone('failed')
            setError(data.message)
          }
        }
      }),
    [],
  )

  // Land on the new service once it runs, unless secrets are waiting to be saved.
  useEffect(() => {
    if (done === 'completed' && serviceId && !secrets) navigate('services', serviceId)
  }, [done, serviceId, secrets])

  if (!template) return error ? <ErrorNote error={error} /> : <Loading what="the template" />
  const tiers = Object.keys(template.tiers).length ? Object.keys(template.tiers) : ['basic', 'plus', 'pro']

  const submit = async (e: Event) => {
    e.preventDefault()
    const form = e.target as HTMLFormElement
    const value = (name: string) => (form.elements.namedItem(name) as HTMLInputElement | null)?.value ?? ''
    const env: Record<string, string> = {}
    for (const v of template.env) {
      const given = value(`env.${v.name}`)
      if (given !== '') env[v.name] = given
    }
    const id = crypto.randomUUID()
    setError(null)
    setFieldErrors({})
    setSteps([])
    setLayers({})
    setDone(null)
    setDeploymentId(id)
    watching.current = id
    try {
      const res = await call(
        client.api.deploy.$post({
          query: {},
          json: {
            templateId: template.id,
            serviceName: value('serviceName').trim(),
            tier: value('tier') as 'basic',
            env,
            deploymentId: id,
          },
        }),
      )
      setServiceId(res.containerName)
      if (Object.keys(res.generatedSecrets ?? {}).length) setSecrets(res.generatedSecrets)
    } catch (err) {
      setDeploymentId(null)
      watching.current = null
      if (err instanceof ApiError) {
        setFieldErrors(
          Object.fromEntries(
            err.details.map((d) => {
              const path = fieldPath(d)
              return [
                path[0] === 'env' || path[0] === 'credentials' ? `env.${path[1]}` : String(path[0] ?? ''),
                d.message,
              ]
            }),
          ),
        )
      }
      setError(errorText(err))
    }
  }

  const last = [...steps].reverse().find((s) => typeof s.progress === 'number')
  const pulled = steps.some((s) => s.step === 'image' && s.status === 'completed')
  // While the image downloads the agent moves the overall bar with the bytes; before the
  // registry has given any size there is nothing to measure, so the bar says "busy" instead.
  const pulling = Object.keys(layers).length > 0 && !pulled && done === null
  const bytes = pullTotals(Object.values(layers))
  const overall = done === 'completed' ? 100 : pulling && !bytes ? null : (last?.progress ?? 0)
  // The image step's line names the download rather than "Checking image …" for its whole length.
  const stepText = (s: Step) => {
    if (s.step !== 'image' || s.status !== 'in-progress' || !Object.keys(layers).length) return s.message
    if (!bytes) return pulled ? s.message : 'Downloading image …'
    return pulled
      ? `Downloaded image: ${bytesOf(bytes.total, bytes.total)}`
      : `Downloading image: ${bytesOf(bytes.current, bytes.total)}`
  }
  const fieldError = (name: string) => (
    <div id={`${name}-error`}>{fieldErrors[name] ? <p class="error field-issue">{fieldErrors[name]}</p> : null}</div>
  )
  return (
    <section aria-labelledby="deploy-form-title">
      <p>
        <a href={href('deploy')}>← All templates</a>
      </p>
      <h1 id="deploy-form-title">Deploy {template.name}</h1>
      <p class="muted">{template.description}</p>
      {template.note ? <p class="card">{template.note}</p> : null}
      <form class="card" onSubmit={submit} noValidate aria-label="Deployment settings">
        <label for="serviceName">Service name</label>
        <input
          id="serviceName"
          name="serviceName"
          required
          maxLength={64}
          aria-describedby="serviceName-error"
          aria-invalid={fieldErrors.serviceName ? 'true' : undefined}
        />
        {fieldError('serviceName')}
        <fieldset>
          <legend>Size</legend>
          {tiers.map((tier, i) => {
            const t = (template.tiers as Record<string, { memory: string; cpus: number } | undefined>)[tier]
            return (
              <label class="inline">
                <input type="radio" name="tier" value={tier} checked={i === 0} /> {tier}
                {t ? (
                  <span class="muted small">
                    {' '}
                    ({t.memory} memory, {t.cpus} CPU)
                  </span>
                ) : null}
              </label>
            )
          })}
        </fieldset>
        {template.env.length ? <h2>Settings</h2> : null}
        {template.env.map((v) => {
          const id = `env.${v.name}`
          return (
            <div>
              <label for={id}>
                {v.label || v.name}
                {v.required ? ' (required)' : ''}
              </label>
              {v.options ? (
                <select id={id} name={id}>
                  {v.options.map((o) => (
                    <option value={o.value} selected={o.value === v.default}>
                      {o.label}
                    </option>
                  ))}
                </select>
              ) : (
                <input
                  id={id}
                  name={id}
                  type={v.secret ? 'password' : 'text'}
                  autocomplete="off"
                  placeholder={v.generate ? 'Leave empty to generate one' : (v.default ?? '')}
                  aria-describedby={`${id}-help ${id}-error`}
                  aria-invalid={fieldErrors[id] ? 'true' : undefined}
                />
              )}
              <div id={`${id}-help`} class="muted small">
                {v.description}
              </div>
              {fieldError(id)}
            </div>
          )
        })}
        <div class="actions">
          <button type="submit" disabled={deploymentId !== null && done === null}>
            {deploymentId && !done ? 'Deploying…' : 'Deploy'}
          </button>
        </div>
        <ErrorNote error={error} />
      </form>
      {deploymentId || steps.length ? (
        <section class="card" aria-labelledby="progress-title" aria-live="polite" data-testid="deploy-progress">
          <h2 id="progress-title">Progress</h2>
          <Progress value={overall} label="Deployment progress" />
          <ol class="steps">
            {steps
              .filter((s) => !s.layer)
              .map((s) => (
                <li>
                  <StatusBadge state={s.status} /> {stepText(s)}
                </li>
              ))}
          </ol>
          {Object.keys(layers).length ? <PullProgress layers={layers} done={pulled} /> : null}
          {secrets ? <SecretsOnce secrets={secrets} /> : null}
          {done === 'completed' && serviceId ? (
            <a class="button" href={href('services', serviceId)}>
              Open the service
            </a>
          ) : null}
        </section>
      ) : null}
    </section>
  )
}
