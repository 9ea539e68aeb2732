import { z } from 'zod'

/** Chart ranges the history serves; anything else is a 400. */
export const TIME_RANGES = ['1h', '6h', '24h', '7d', '30d'] as const
export type TimeRange = (typeof TIME_RANGES)[number]

export const MetricsQuery = z.strictObject({ timeRange: z.enum(TIME_RANGES).default('1h') })

/** Sampling interval a user may ask for, in milliseconds: 1 s – 1 h. */
export const MONITOR_INTERVAL_MS = { min: 1000, max: 3_600_000, default: 10_000 } as const

export const MonitoringStartBody = z.strictObject({
  interval: z
    .number()
    .int()
    .min(MONITOR_INTERVAL_MS.min)
    .max(MONITOR_INTERVAL_MS.max)
    .default(MONITOR_INTERVAL_MS.default),
})

/**
 * Alert rules. `backup_missing` is evaluated outside the monitor (by the backups feature, through
 * `alerts.setCondition`); every other rule is evaluated on the collector's samples.
 */
export const ALERT_RULES = [
  'cpu_warning',
  'cpu_critical',
  'memory_warning',
  'memory_critical',
  'container_down',
  'unreachable',
  'restarts',
  'unhealthy',
  'backup_missing',
] as const
export type AlertRule = (typeof ALERT_RULES)[number]

const Percent = z.number().min(0).max(100)
const Levels = z.strictObject({ warning: Percent, critical: Percent, warningClear: Percent, criticalClear: Percent })
const Restarts = z.strictObject({
  count: z.number().int().min(1).max(1000),
  windowMs: z.number().int().min(60_000).max(86_400_000),
})

/** Everything that decides when an alert fires; global, and overridable per service. */
export const AlertThresholdsSchema = z.strictObject({
  cpu: Levels,
  memory: Levels,
  restarts: Restarts,
  /** Consecutive breaching samples before an alert fires. */
  consecutiveSamples: z.number().int().min(1).max(100),
  /** How often a firing alert is repeated. */
  reminderMs: z
    .number()
    .int()
    .min(60_000)
    .max(7 * 86_400_000),
  disabledRules: z.array(z.enum(ALERT_RULES)).max(ALERT_RULES.length),
})
export type AlertThresholds = z.infer<typeof AlertThresholdsSchema>

/** A stored override: any subset of the thresholds, nested objects partial too. */
export const AlertThresholdsPatch = z.strictObject({
  cpu: Levels.partial().optional(),
  memory: Levels.partial().optional(),
  restarts: Restarts.partial().optional(),
  consecutiveSamples: AlertThresholdsSchema.shape.consecutiveSamples.optional(),
  reminderMs: AlertThresholdsSchema.shape.reminderMs.optional(),
  disabledRules: AlertThresholdsSchema.shape.disabledRules.optional(),
})
export type AlertThresholdsOverride = z.infer<typeof AlertThresholdsPatch>

/** A DNS name, or an IPv6 literal as URLs write it (`[2001:db8::1]`); which may be reached is checked apart. */
const WebhookHost = new RegExp(`${z.regexes.hostname.source}|^\\[[0-9a-fA-F:.]+\\]$`)

export const WebhookBody = z.strictObject({
  url: z.union([z.url({ protocol: /^https?$/, hostname: WebhookHost }).max(2048), z.null()]),
})

/**
 * `POST /api/alerts/webhook/test`: `{ url }` tests that URL before it is saved; no body, `{}` or
 * `{ url: null }` tests the saved webhook.
 */
export const WebhookTestBody = z.strictObject({ url: WebhookBody.shape.url.optional() })

/** What a test delivery came to, when one was attempted. */
export const WEBHOOK_TEST_OUTCOMES = [
  'delivered',
  'http_error',
  'timeout',
  'connection_refused',
  'network_error',
] as const

/** One test delivery as the API reports it: the target only as scheme and host. */
export const WebhookTestReportSchema = z.object({
  outcome: z.enum(WEBHOOK_TEST_OUTCOMES),
  delivered: z.boolean(),
  target: z.string(),
  status: z.number().int().nullable(),
  durationMs: z.number().nullable(),
  message: z.string(),
  testedAt: z.string(),
})
export type WebhookTestReport = z.infer<typeof WebhookTestReportSchema>

/**
 * What the agent answers a test with: a report, or why nothing was sent — the destination
 * policy refused it, another test runs or ran moments ago, or there is no webhook to test.
 * Data rather than errors, so the handler can answer 422 / 429 with Retry-After / 409 in
 * every mode (an error's headers do not cross the agent's wire).
 */
export const WebhookTestResultSchema = z.union([
  WebhookTestReportSchema,
  z.object({
    outcome: z.literal('refused'),
    target: z.string(),
    rule: z.string(),
    address: z.string(),
    message: z.string(),
  }),
  z.object({ outcome: z.literal('busy'), retryAfterSeconds: z.number().int().min(1), message: z.string() }),
  z.object({ outcome: z.literal('not_configured'), message: z.string() }),
])
export type WebhookTestResult = z.infer<typeof WebhookTestResultSchema>

export const AlertsQuery = z.strictObject({
  serviceId: z.string().max(128).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
})

// ---- response shapes (the agent produces them, handlers pass them on) ----

export type HealthStatus = 'up' | 'down' | 'paused' | 'restarting' | 'unhealthy' | 'unreachable'
export type MetricsSource = 'cgroup-v1' | 'cgroup-v2' | 'docker-api'

/** One sample of a running container. Rates are per second; null where there is no previous sample yet. */
export interface ServiceMetrics {
  timestamp: string
  source: MetricsSource
  /** `percentage` is of the container's CPU limit (or of all host cores without one); `cores` in use. */
  cpu: { percentage: number | null; cores: number | null; limitCores: number }
  /** `usage` leaves out reclaimable page cache (inactive_file), as `docker stats` does. */
  memory: { usage: number; limit: number; percentage: number; cache: number }
  network: { rx: number | null; tx: number | null; rxRate: number | null; txRate: number | null }
  blockIO: { read: number; write: number; readRate: number | null; writeRate: number | null }
  pids: number | null
  restartCount: number
  uptime: number
}

export interface MonitorSettings {
  enabled: boolean
  intervalMs: number
}

export interface ServiceHealth {
  containerId: string
  serviceId: string
  serviceName: string
  status: HealthStatus
  /** Docker's container state: running, exited, paused, … */
  state: string
  /** Docker's healthcheck status (healthy, unhealthy, starting) or null without a healthcheck. */
  health: string | null
  /** Human duration, e.g. "2h 5m 3s"; "0s" when not running. */
  uptime: string
  uptimeSeconds: number
  restartCount: number
  exitCode: number | null
  oomKilled: boolean
  startedAt: string | null
  finishedAt: string | null
  lastCheck: string | null
  monitoring: MonitorSettings
  metrics: ServiceMetrics | null
}

export interface HealthOverview {
  services: ServiceHealth[]
  summary: Record<HealthStatus, number> & { total: number }
  /** When the collector last refreshed the container list. */
  collectedAt: string | null
}

/** A stored value's statistics within one bucket of a long range. */
export interface Spread {
  min: number
  avg: number
  max: number
}

export const HISTORY_FIELDS = [
  'cpu',
  'memory',
  'memoryPercent',
  'rxRate',
  'txRate',
  'readRate',
  'writeRate',
  'pids',
] as const
export type HistoryField = (typeof HISTORY_FIELDS)[number]

export type RawPoint = { timestamp: string } & Record<HistoryField, number | null>
export type BucketPoint = { timestamp: string; samples: number } & Record<HistoryField, Spread | null>

export interface MetricsView {
  containerId: string
  serviceId: string
  timeRange: TimeRange
  /** `raw`: one point per sample; otherwise the bucket width of min/avg/max points. */
  resolution: 'raw' | '1m' | '10m' | '1h'
  current: ServiceMetrics | null
  historical: RawPoint[] | BucketPoint[]
}

export interface MonitoredService extends MonitorSettings {
  serviceId: string
  containerId: string | null
  lastSampleAt: string | null
  source: MetricsSource | null
  /** Set when the stored history of this service could not be read (it is left in the store). */
  historyError: string | null
}

export interface MonitoringStatus {
  running: boolean
  /** How samples are read: cgroup files (v1 or v2) with the Docker API as fallback, or the API only. */
  collector: {
    mode: 'auto' | 'docker-api'
    cgroupVersion: 1 | 2 | null
    lastTickAt: string | null
    lastTickMs: number | null
    ticks: number
  }
  defaultIntervalMs: number
  services: MonitoredService[]
}

export interface DiskUsage {
  path: string
  total: number
  used: number
  available: number
  percentage: number
}

export interface SystemMetrics {
  timestamp: string
  cpu: { percentage: number | null; cores: number }
  load: { '1m': number; '5m': number; '15m': number }
  memory: { total: number; used: number; available: number; percentage: number }
  disk: { dockerRoot: DiskUsage | null; backups: DiskUsage | null }
  containers: { total: number; running: number; paused: number; stopped: number; managed: number }
  docker: { version: string | null; apiVersion: string | null }
  uptimeSeconds: number
}

export type AlertSeverity = 'warning' | 'critical'

export interface AlertRecord {
  id: string
  rule: AlertRule
  severity: AlertSeverity
  state: 'firing' | 'resolved'
  serviceId: string
  containerId: string | null
  serviceName: string
  message: string
  value: number | null
  threshold: number | null
  startedAt: string
  resolvedAt: string | null
  lastNotifiedAt: string
  notifications: number
}

export interface AlertList {
  active: AlertRecord[]
  recent: AlertRecord[]
}

export interface WebhookView {
  configured: boolean
  /** Scheme and host only: the path and query of a webhook URL often are its secret. */
  url: string | null
}

export interface AlertSettingsView {
  thresholds: AlertThresholds
  defaults: AlertThresholds
  rules: readonly AlertRule[]
  webhook: WebhookView
}

export interface ServiceAlertSettingsView {
  serviceId: string
  overrides: AlertThresholdsOverride
  effective: AlertThresholds
}
