import type { EventPublisher } from '../../events/types'
import type { AlertConditions } from '../monitor/alert-engine'

export interface BackupMissingDetails {
  cron: string
  lastSuccessAt: string | null
  /** The scheduled run the service should have had a successful backup since. */
  expectedSince: string
  message: string
}

/**
 * Where the scheduler reports a schedule that has not succeeded for two periods. The
 * monitoring area (#4) owns alerting; this seam lets it take the alert over without the
 * backup engine knowing its internals.
 */
export interface BackupAlertSink {
  setMissing(serviceId: string, active: boolean, details: BackupMissingDetails): void
}

/**
 * The agent's sink: the monitor's alert engine owns `backup_missing` like every other rule, so it
 * is listed by GET /api/alerts, reminded, delivered to the webhook and resolved once.
 */
export function alertSinkFrom(
  conditions: AlertConditions,
  logger: { warn(fields: Record<string, unknown>): void },
): BackupAlertSink {
  return {
    setMissing(serviceId, active, details) {
      void conditions
        .setCondition(serviceId, 'backup_missing', active, { message: details.message })
        .catch((err) => logger.warn({ msg: 'could not raise backup_missing', serviceId, error: String(err) }))
    },
  }
}

/**
 * Without a monitor (an engine built alone, as in tests): one `health-alert` event per transition (firing, then resolved), with
 * `rule: 'backup_missing'`, never a repeat while the state holds.
 */
export function createEventAlertSink(
  events: EventPublisher,
): BackupAlertSink & { isActive(serviceId: string): boolean } {
  // serviceId → alertId: the resolving event names the alert that fired, as the alert engine's do.
  const active = new Map<string, string>()
  return {
    setMissing(serviceId, isActive, details) {
      if (isActive === active.has(serviceId)) return
      const alertId = active.get(serviceId) ?? crypto.randomUUID()
      if (isActive) active.set(serviceId, alertId)
      else active.delete(serviceId)
      events.publish('health-alert', {
        alertId,
        rule: 'backup_missing',
        state: isActive ? 'firing' : 'resolved',
        severity: 'warning',
        serviceId,
        ...details,
      })
    },
    isActive: (serviceId) => active.has(serviceId),
  }
}
