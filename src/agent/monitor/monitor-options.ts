import type { AlertThresholds } from '../../schemas/monitoring'
import { MONITOR_INTERVAL_MS } from '../../schemas/monitoring'
import type { Lookup } from './webhook-target'

/** Tuning of the monitor and of the alerting parts host.ts builds beside it; tests shorten it. */
export interface MonitorOptions {
  /** Interval of services nobody configured, and of the container-list refresh. */
  defaultIntervalMs: number
  /** `auto`: cgroup files, with the Docker API as fallback; `docker-api`: the API only. */
  statsSource: 'auto' | 'docker-api'
  cgroupRoot: string
  procRoot: string
  /** Stats API calls at once (fallback path). */
  concurrency: number
  apiTimeoutMs: number
  retentionMs: number
  persistIntervalMs: number
  /** How long a service must be gone (no container with its stable id) before its state is dropped. */
  removalGraceMs: number
  /** How long after a die a stop may still arrive and make it deliberate. */
  deathGraceMs: number
  /** Delay of the container-list refresh a docker event asks for (bursts share one). */
  eventRefreshDelayMs: number
  /** Built-in thresholds, laid over the defaults (tests: fewer samples to fire); read by host.ts. */
  alertDefaults: Partial<AlertThresholds>
  /** Webhook delivery tuning, read by host.ts; `lookup` replaces DNS (tests resolve names to 127.0.0.1). */
  webhook: { timeoutMs?: number; retries?: number; backoffMs?: number; lookup?: Lookup }
}

export const DEFAULT_MONITOR_OPTIONS: MonitorOptions = {
  defaultIntervalMs: MONITOR_INTERVAL_MS.default,
  statsSource: 'auto',
  cgroupRoot: '/sys/fs/cgroup',
  procRoot: '/proc',
  concurrency: 8,
  apiTimeoutMs: 10_000,
  retentionMs: 30 * 86_400_000,
  persistIntervalMs: 60_000,
  removalGraceMs: 5000,
  deathGraceMs: 1500,
  eventRefreshDelayMs: 250,
  alertDefaults: {},
  webhook: {},
}

/** The defaults with a caller's overrides laid over them (host.ts reads the alerting tuning from it). */
export function monitorOptions(overrides: Partial<MonitorOptions> = {}): MonitorOptions {
  return { ...DEFAULT_MONITOR_OPTIONS, ...overrides }
}
