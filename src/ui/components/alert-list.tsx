import { href } from '../router'
import { dateTime } from '../format'
import { Empty, StatusBadge } from './bits'

export interface AlertItem {
  alertId: string
  rule: string
  severity: string
  state: string
  serviceId: string
  serviceName: string
  message: string
  startedAt: string
  resolvedAt: string | null
}

export function AlertList({
  alerts,
  empty,
  showService,
}: {
  alerts: AlertItem[]
  empty: string
  showService?: boolean
}) {
  if (alerts.length === 0) return <Empty>{empty}</Empty>
  return (
    <ul class="alerts card" data-testid="alert-list">
      {alerts.map((a) => (
        <li>
          <StatusBadge state={a.state === 'firing' ? a.severity : 'resolved'} /> {a.message}
          {showService ? (
            <>
              {' '}
              — <a href={href('services', a.serviceId)}>{a.serviceName}</a>
            </>
          ) : null}
          <span class="muted small">
            {' '}
            {a.rule} · since {dateTime(a.startedAt)}
            {a.resolvedAt ? ` · resolved ${dateTime(a.resolvedAt)}` : ''}
          </span>
        </li>
      ))}
    </ul>
  )
}
