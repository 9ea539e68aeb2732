import type { HealthStatus, MonitorSettings, ServiceHealth, ServiceMetrics } from '../../schemas/monitoring'
import type { InventoryEntry } from './inventory'

/** The last thing the collector learnt about a service. */
export interface LatestSample {
  at: number
  metrics: ServiceMetrics | null
  /** Why the last sample failed, if it did. */
  error: string | null
}

/**
 * A service's status from what Docker says (state, healthcheck) and what the collector saw:
 * `unreachable` when the agent cannot observe it — Docker does not answer, or the container
 * runs but its stats cannot be read.
 */
export function statusOf(
  entry: InventoryEntry,
  latest: LatestSample | undefined,
  dockerReachable: boolean,
): HealthStatus {
  if (!dockerReachable) return 'unreachable'
  switch (entry.state) {
    case 'paused':
      return 'paused'
    case 'restarting':
      return 'restarting'
    case 'running':
      if (entry.facts?.health === 'unhealthy') return 'unhealthy'
      if (latest?.error) return 'unreachable'
      return 'up'
    default:
      return 'down'
  }
}

export function uptimeSeconds(entry: InventoryEntry, now: number): number {
  if (entry.state !== 'running' && entry.state !== 'paused') return 0
  const started = entry.facts?.startedAt ? Date.parse(entry.facts.startedAt) : NaN
  return Number.isFinite(started) ? Math.max(0, Math.floor((now - started) / 1000)) : 0
}

/** 93784 → "1d 2h 3m 4s"; leading zero units are left out. */
export function formatDuration(seconds: number): string {
  const units: [string, number][] = [
    ['d', 86_400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ]
  const parts: string[] = []
  let rest = Math.max(0, Math.floor(seconds))
  for (const [name, size] of units) {
    const n = Math.floor(rest / size)
    rest -= n * size
    if (n > 0 || parts.length > 0) parts.push(`${n}${name}`)
  }
  return parts.length ? parts.join(' ') : '0s'
}

export function buildHealth(
  entry: InventoryEntry,
  latest: LatestSample | undefined,
  monitoring: MonitorSettings,
  dockerReachable: boolean,
  now: number,
): ServiceHealth {
  const up = uptimeSeconds(entry, now)
  const running = entry.state === 'running' || entry.state === 'paused'
  return {
    containerId: entry.id,
    serviceId: entry.serviceId,
    serviceName: entry.name,
    status: statusOf(entry, latest, dockerReachable),
    state: entry.state,
    health: entry.facts?.health ?? null,
    uptime: formatDuration(up),
    uptimeSeconds: up,
    restartCount: entry.facts?.restartCount ?? 0,
    exitCode: running ? null : (entry.facts?.exitCode ?? null),
    oomKilled: entry.facts?.oomKilled ?? false,
    startedAt: entry.facts?.startedAt ?? null,
    finishedAt: entry.facts?.finishedAt ?? null,
    lastCheck: latest ? new Date(latest.at).toISOString() : null,
    monitoring,
    // A stopped service's last numbers would read as current: only a running one has metrics.
    metrics: running && monitoring.enabled ? (latest?.metrics ?? null) : null,
  }
}
