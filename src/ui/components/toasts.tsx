import { useEffect } from 'hono/jsx/dom'
import { useState } from '../hooks'
import { onLive } from '../live'
import { href } from '../router'

interface Toast {
  key: number
  severity: string
  state: string
  message: string
  serviceId: string
  serviceName: string
}

let counter = 0

/** A live notification whenever an alert fires or resolves (ServiceHealthAlerts). */
export function Toasts() {
  const [toasts, setToasts] = useState<Toast[]>([])
  useEffect(
    () =>
      onLive((batch) => {
        const fresh = batch
          .filter((e) => e.type === 'health-alert')
          .map((e) => ({
            key: ++counter,
            severity: String(e.data.severity ?? 'warning'),
            state: String(e.data.state ?? 'firing'),
            message: String(e.data.message ?? 'Alert'),
            serviceId: String(e.data.serviceId ?? ''),
            serviceName: String(e.data.serviceName ?? e.data.serviceId ?? ''),
          }))
        if (fresh.length === 0) return
        setToasts((old) => [...old, ...fresh].slice(-5))
        for (const t of fresh) setTimeout(() => setToasts((old) => old.filter((o) => o.key !== t.key)), 10_000)
      }),
    [],
  )
  return (
    <section class="toasts" aria-live="assertive" aria-label="Notifications">
      {toasts.map((t) => (
        <div class={`toast toast-${t.state === 'resolved' ? 'ok' : t.severity}`} role="alert">
          <strong>{t.state === 'resolved' ? 'Resolved' : t.severity === 'critical' ? 'Critical' : 'Warning'}</strong>{' '}
          <a href={href('services', t.serviceId)}>{t.serviceName}</a>: {t.message}
          <button
            type="button"
            class="link"
            aria-label="Dismiss notification"
            onClick={() => setToasts((old) => old.filter((o) => o.key !== t.key))}
          >
            ×
          </button>
        </div>
      ))}
    </section>
  )
}
