import type { EventPublisher } from '../../events/types'
import type { ServiceHealth, ServiceMetrics } from '../../schemas/monitoring'
import type { InventoryEntry } from './inventory'

/**
 * What the browser hears of one observation: a `health-update` for every observed service and a
 * `metrics-update` when it was sampled, with the original system's field names plus `serviceId`.
 */
export function publishObservation(
  events: EventPublisher,
  entry: InventoryEntry,
  health: ServiceHealth,
  metrics: ServiceMetrics | null | undefined,
) {
  const service = { containerId: entry.id, serviceId: entry.serviceId, serviceName: entry.name }
  events.publish('health-update', {
    ...service,
    status: health.status,
    health: health.health,
    uptime: health.uptime,
    uptimeSeconds: health.uptimeSeconds,
    restartCount: health.restartCount,
  })
  if (!metrics) return
  const { cpu, memory, network, blockIO, pids } = metrics
  events.publish('metrics-update', { ...service, metrics: { cpu, memory, network, blockIO, pids } })
}
