import { useEffect } from 'hono/jsx/dom'
import { useState } from '../hooks'
import { call, client, errorText } from '../api'
import { AlertList, type AlertItem } from '../components/alert-list'
import { Analytics } from '../components/analytics'
import { ErrorNote, Loading, StatusBadge } from '../components/bits'
import { Logs } from '../components/logs'
import { ThresholdsForm, type Thresholds } from '../components/thresholds'
import { ServiceBackups } from '../components/service-backups'
import { bytes, dateTime } from '../format'
import { onLive } from '../live'
import { href, navigate } from '../router'

type Details = Awaited<ReturnType<typeof loadService>>

const loadService = async (id: string) =>
  (await call(client.api.services[':containerId'].$get({ param: { containerId: id } }))).service

/** One service: details (secrets as the API redacts them), actions, logs, charts, alerts, backups. */
export function ServicePage({ serviceId }: { serviceId: string }) {
  const [service, setService] = useState<Details | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [gone, setGone] = useState(false)
  const refresh = () =>
    loadService(serviceId).then(
      (s) => {
        setService(s)
        setError(null)
      },
      (err) => {
        setError(errorText(err))
        if (err?.status === 404) setGone(true)
      },
    )
  useEffect(() => {
    setService(null)
    setGone(false)
    void refresh()
    return onLive((batch) => {
      if (
        batch.some(
          (e) => (e.type === 'container-event' || e.type === 'service-action') && e.data.serviceId === serviceId,
        )
      )
        void refresh()
    })
  }, [serviceId])

  if (gone) {
    return (
      <section>
        <h1>Service not found</h1>
        <p class="error" role="alert">
          {error}
        </p>
        <p>
          <a href={href('')}>Back to the services</a> ·{' '}
          <a href={href('backups')}>Its backups may still be listed under Backups</a>
        </p>
      </section>
    )
  }
  if (!service) return error ? <ErrorNote error={error} /> : <Loading what="the service" />
  return (
    <article aria-labelledby="service-title">
      <p>
        <a href={href('')}>← Services</a>
      </p>
      <div class="page-head">
        <h1 id="service-title">{service.name}</h1>
        <span>
          <StatusBadge state={service.state} /> {service.health ? <StatusBadge state={service.health} /> : null}
        </span>
      </div>
      <ErrorNote error={error} />
      <Actions service={service} onChanged={refresh} />
      <section class="card" aria-labelledby="details-title">
        <h2 id="details-title">Details</h2>
        <dl class="kv two">
          <dt>Service id</dt>
          <dd>{service.serviceId}</dd>
          <dt>Image</dt>
          <dd>{service.image}</dd>
          <dt>Type / tier</dt>
          <dd>
            {service.serviceType ?? '—'} / {service.tier ?? '—'}
          </dd>
          <dt>Status</dt>
          <dd>{service.status}</dd>
          <dt>Started</dt>
          <dd>{dateTime(service.startedAt)}</dd>
          <dt>Restarts</dt>
          <dd>{service.restartCount}</dd>
          <dt>Address</dt>
          <dd>
            {service.url ? (
              /^https?:\/\//.test(service.url) ? (
                <a href={service.url} rel="noreferrer noopener" target="_blank">
                  {service.url}
                </a>
              ) : (
                service.url
              )
            ) : (
              '—'
            )}
          </dd>
          <dt>Limits</dt>
          <dd>
            {service.resources.memoryBytes ? bytes(service.resources.memoryBytes) : 'no memory limit'} ·{' '}
            {service.resources.cpus ? `${service.resources.cpus} CPUs` : 'no CPU limit'}
          </dd>
          <dt>Volumes</dt>
          <dd>
            {service.mounts.length
              ? service.mounts.map((m) => `${m.name ?? m.type} → ${m.destination}`).join(', ')
              : '—'}
          </dd>
        </dl>
        <h3>Environment</h3>
        {Object.keys(service.env).length === 0 ? (
          <p class="muted">None.</p>
        ) : (
          <dl class="kv" data-testid="service-env">
            {Object.entries(service.env).map(([k, v]) => (
              <>
                <dt>{k}</dt>
                <dd>{v}</dd>
              </>
            ))}
          </dl>
        )}
      </section>
      <Analytics serviceId={service.serviceId} />
      <ServiceAlerts serviceId={service.serviceId} />
      <ServiceBackups serviceId={service.serviceId} />
      <Logs serviceId={service.serviceId} />
    </article>
  )
}

function Actions({ service, onChanged }: { service: Details; onChanged: () => void }) {
  const [busy, setBusy] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [confirm, setConfirm] = useState(false)
  const [keepData, setKeepData] = useState(true)
  const param = { containerId: service.serviceId }
  const act = async (action: 'start' | 'stop' | 'restart') => {
    setBusy(action)
    setError(null)
    try {
      const route = client.api.services[':containerId'][action]
      await call(route.$post({ param, query: {} }))
      onChanged()
    } catch (err) {
      setError(errorText(err))
    } finally {
      setBusy(null)
    }
  }
  const remove = async () => {
    setBusy('delete')
    setError(null)
    try {
      await call(
        client.api.services[':containerId'].$delete({ param, query: { keepData: keepData ? 'true' : 'false' } }),
      )
      navigate('')
    } catch (err) {
      setError(errorText(err))
      setBusy(null)
    }
  }
  return (
    <div class="card">
      <div class="actions">
        <button type="button" disabled={!service.canStart || busy !== null} onClick={() => act('start')}>
          {busy === 'start' ? 'Starting…' : 'Start'}
        </button>
        <button type="button" disabled={!service.canStop || busy !== null} onClick={() => act('stop')}>
          {busy === 'stop' ? 'Stopping…' : 'Stop'}
        </button>
        <button type="button" disabled={!service.canRestart || busy !== null} onClick={() => act('restart')}>
          {busy === 'restart' ? 'Restarting…' : 'Restart'}
        </button>
        <button type="button" class="danger" disabled={busy !== null} onClick={() => setConfirm(true)}>
          Delete…
        </button>
      </div>
      {confirm ? (
        <div class="confirm" role="alertdialog" aria-label="Confirm delete">
          <p>Delete {service.name}? The container is removed.</p>
          <label class="inline">
            <input
              type="checkbox"
              checked={keepData}
              onChange={(e: Event) => setKeepData((e.target as HTMLInputElement).checked)}
            />{' '}
            Keep its data volumes (they can be restored or reused)
          </label>
          <div class="actions">
            <button type="button" class="danger" disabled={busy !== null} onClick={remove}>
              {keepData ? 'Delete, keep data' : 'Delete with its data'}
            </button>
            <button type="button" class="secondary" onClick={() => setConfirm(false)}>
              Cancel
            </button>
          </div>
        </div>
      ) : null}
      <ErrorNote error={error} />
    </div>
  )
}

function ServiceAlerts({ serviceId }: { serviceId: string }) {
  const [alerts, setAlerts] = useState<{ active: AlertItem[]; recent: AlertItem[] } | null>(null)
  const [settings, setSettings] = useState<{ effective: Thresholds; overrides: object } | null>(null)
  const [error, setError] = useState<string | null>(null)
  const load = () => {
    call(client.api.alerts.$get({ query: { serviceId } })).then(
      (b) => setAlerts({ active: b.active, recent: b.recent }),
      (e) => setError(errorText(e)),
    )
    call(client.api.services[':containerId'].alerts.thresholds.$get({ param: { containerId: serviceId } })).then(
      (b) => setSettings({ effective: b.effective, overrides: b.overrides }),
      (e) => setError(errorText(e)),
    )
  }
  useEffect(() => {
    load()
    return onLive((batch) => {
      if (batch.some((e) => e.type === 'health-alert' && e.data.serviceId === serviceId)) load()
    })
  }, [serviceId])
  const save = async (patch: object) => {
    const body = await call(
      client.api.services[':containerId'].alerts.thresholds.$put({
        param: { containerId: serviceId },
        json: mergePatch(settings?.overrides ?? {}, patch),
      }),
    )
    setSettings({ effective: body.effective, overrides: body.overrides })
  }
  const reset = async () => {
    const body = await call(
      client.api.services[':containerId'].alerts.thresholds.$put({ param: { containerId: serviceId }, json: {} }),
    )
    setSettings({ effective: body.effective, overrides: body.overrides })
  }
  return (
    <section aria-labelledby="service-alerts-title">
      <h2 id="service-alerts-title">Alerts</h2>
      <ErrorNote error={error} />
      {alerts ? (
        <AlertList alerts={[...alerts.active, ...alerts.recent]} empty="No alerts for this service." />
      ) : (
        <Loading what="alerts" />
      )}
      <h3>Thresholds for this service</h3>
      <p class="muted small">
        {settings && Object.keys(settings.overrides).length
          ? 'This service overrides some global thresholds.'
          : 'This service follows the global thresholds.'}
      </p>
      {settings ? (
        <ThresholdsForm
          idPrefix="svc"
          effective={settings.effective}
          onSave={save}
          onReset={reset}
          resetLabel="Follow the global thresholds"
        />
      ) : null}
    </section>
  )
}

/** A new override on top of the stored one: nested levels merge, so saving one field keeps the others. */
// biome-ignore lint/suspicious/noExplicitAny: merges two nested threshold overrides of any depth
function mergePatch(base: Record<string, any>, patch: Record<string, any>) {
  // biome-ignore lint/suspicious/noExplicitAny: merges two nested threshold overrides of any depth
  const out: Record<string, any> = { ...base }
  for (const [k, v] of Object.entries(patch))
    out[k] = v && typeof v === 'object' && !Array.isArray(v) ? { ...base[k], ...v } : v
  return out
}
