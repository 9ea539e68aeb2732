import { useEffect } from 'hono/jsx/dom'
import { useState } from '../hooks'
import { ApiError, call, client, errorText } from '../api'
import { AlertList, type AlertItem } from '../components/alert-list'
import { ErrorNote, Loading } from '../components/bits'
import { ThresholdsForm, type Thresholds } from '../components/thresholds'
import { WebhookTestButton } from '../components/webhook-test'
import { onLive } from '../live'

/** ServiceHealthAlerts: active and recent alerts (live), global thresholds, the alert webhook. */
export function AlertsPage() {
  const [alerts, setAlerts] = useState<{ active: AlertItem[]; recent: AlertItem[] } | null>(null)
  const [thresholds, setThresholds] = useState<Thresholds | null>(null)
  const [error, setError] = useState<string | null>(null)
  const load = () =>
    call(client.api.alerts.$get({ query: {} })).then(
      (b) => {
        setAlerts({ active: b.active, recent: b.recent })
        setError(null)
      },
      (e) => setError(errorText(e)),
    )
  useEffect(() => {
    void load()
    call(client.api.alerts.thresholds.$get()).then(
      (b) => setThresholds(b.thresholds),
      (e) => setError(errorText(e)),
    )
    return onLive((batch) => {
      if (batch.some((e) => e.type === 'health-alert')) void load()
    })
  }, [])
  const save = async (patch: object) => {
    const res = await call(client.api.alerts.thresholds.$put({ json: patch }))
    setThresholds(res.thresholds)
  }
  return (
    <section aria-labelledby="alerts-title">
      <h1 id="alerts-title">Alerts</h1>
      <ErrorNote error={error} />
      <h2>Active</h2>
      {alerts ? <AlertList alerts={alerts.active} empty="Nothing is firing." showService /> : <Loading what="alerts" />}
      <h2>Recent</h2>
      {alerts ? <AlertList alerts={alerts.recent} empty="No recent alerts." showService /> : null}
      <h2>Global thresholds</h2>
      <p class="muted small">Every service follows these unless its own page overrides them.</p>
      {thresholds ? <ThresholdsForm idPrefix="global" effective={thresholds} onSave={save} /> : null}
      <Webhook />
    </section>
  )
}

function Webhook() {
  const [webhook, setWebhook] = useState<{ configured: boolean; url: string | null } | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [message, setMessage] = useState<string | null>(null)
  useEffect(() => {
    call(client.api.alerts.webhook.$get()).then(
      (b) => setWebhook(b.webhook),
      (e) => setError(errorText(e)),
    )
  }, [])
  const save = async (url: string | null) => {
    setError(null)
    setMessage(null)
    try {
      const res = await call(client.api.alerts.webhook.$put({ json: { url } }))
      setWebhook(res.webhook)
      setMessage(res.message)
    } catch (err) {
      setError(err instanceof ApiError && err.details[0] ? `${err.message}: ${err.details[0].message}` : errorText(err))
    }
  }
  const submit = (e: Event) => {
    e.preventDefault()
    const url = ((e.target as HTMLFormElement).elements.namedItem('url') as HTMLInputElement).value.trim()
    void save(url || null)
  }
  return (
    <form class="card" onSubmit={submit} aria-label="Alert webhook" noValidate>
      <h2>Webhook</h2>
      <p class="muted small">
        {webhook
          ? webhook.configured
            ? `Alerts are sent to ${webhook.url} (the rest of the address is kept secret).`
            : 'No webhook: alerts show here only.'
          : 'Loading…'}
      </p>
      <label for="webhook-url">Webhook URL (http or https)</label>
      <input
        id="webhook-url"
        name="url"
        type="url"
        placeholder="https://hooks.example.com/…"
        aria-describedby="webhook-error"
        aria-invalid={error ? 'true' : undefined}
      />
      <div id="webhook-error">
        <ErrorNote error={error} />
      </div>
      <div class="actions">
        <button type="submit">Save webhook</button>
        {webhook?.configured ? (
          <button type="button" class="secondary" onClick={() => save(null)}>
            Remove webhook
          </button>
        ) : null}
        <span class="small" role="status">
          {message}
        </span>
      </div>
      <div class="actions">
        <WebhookTestButton
          url={() => (document.getElementById('webhook-url') as HTMLInputElement | null)?.value ?? ''}
        />
      </div>
      <p id="webhook-test-help" class="muted small">
        Send test posts one alert, marked as a test, to the URL in the field — or to the saved webhook when the field is
        empty — and shows what happened.
      </p>
    </form>
  )
}
