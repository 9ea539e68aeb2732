import { z } from 'zod'
import {
  AlertThresholdsPatch,
  AlertThresholdsSchema,
  ALERT_RULES,
  TIME_RANGES,
  WebhookTestReportSchema,
  type AlertRecord,
} from './monitoring'
import { okWith } from './errors'

/** Response shapes of the monitoring and alerts routes (handlers/monitoring/, handlers/alerts/). */

const Iso = z.iso.datetime({ offset: true })
const HEALTH_STATUSES = ['up', 'down', 'paused', 'restarting', 'unhealthy', 'unreachable'] as const

export const ServiceMetricsSchema = z.looseObject({
  timestamp: Iso,
  source: z.enum(['cgroup-v1', 'cgroup-v2', 'docker-api']),
  cpu: z.looseObject({ percentage: z.number().nullable(), cores: z.number().nullable(), limitCores: z.number() }),
  memory: z.looseObject({ usage: z.number(), limit: z.number(), percentage: z.number(), cache: z.number() }),
  network: z.looseObject({
    rx: z.number().nullable(),
    tx: z.number().nullable(),
    rxRate: z.number().nullable(),
    txRate: z.number().nullable(),
  }),
  blockIO: z.looseObject({
    read: z.number(),
    write: z.number(),
    readRate: z.number().nullable(),
    writeRate: z.number().nullable(),
  }),
  pids: z.number().nullable(),
})

const MonitorSettingsSchema = z.looseObject({ enabled: z.boolean(), intervalMs: z.number().int() })

export const ServiceHealthSchema = z.looseObject({
  containerId: z.string(),
  serviceId: z.string(),
  serviceName: z.string(),
  status: z.enum(HEALTH_STATUSES),
  state: z.string(),
  health: z.string().nullable(),
  uptime: z.string(),
  uptimeSeconds: z.number(),
  restartCount: z.number().int(),
  exitCode: z.number().int().nullable(),
  oomKilled: z.boolean(),
  lastCheck: Iso.nullable(),
  monitoring: MonitorSettingsSchema,
  metrics: ServiceMetricsSchema.nullable(),
})

export const HealthAllResponse = okWith({
  services: z.array(ServiceHealthSchema),
  summary: z.looseObject({
    total: z.number().int(),
    ...Object.fromEntries(HEALTH_STATUSES.map((s) => [s, z.number().int()])),
  }),
  collectedAt: Iso.nullable(),
  total: z.number().int(),
})
export const HealthResponse = okWith({ health: ServiceHealthSchema })

export const MetricsResponse = okWith({
  metrics: z.looseObject({
    containerId: z.string(),
    serviceId: z.string(),
    timeRange: z.enum(TIME_RANGES),
    resolution: z.enum(['raw', '1m', '10m', '1h']),
    current: ServiceMetricsSchema.nullable(),
    historical: z.array(z.looseObject({ timestamp: Iso })),
  }),
})

const MonitoredServiceSchema = MonitorSettingsSchema.extend({
  serviceId: z.string(),
  containerId: z.string().nullable(),
  lastSampleAt: Iso.nullable(),
})

export const MonitoringStatusResponse = okWith({
  monitoring: z.looseObject({
    running: z.boolean(),
    collector: z.looseObject({
      mode: z.enum(['auto', 'docker-api']),
      cgroupVersion: z.union([z.literal(1), z.literal(2)]).nullable(),
    }),
    defaultIntervalMs: z.number().int(),
    services: z.array(MonitoredServiceSchema),
  }),
})
export const MonitoringChangeResponse = okWith({
  message: z.string(),
  monitoring: z.looseObject({ serviceId: z.string() }),
})

const Disk = z.looseObject({
  path: z.string(),
  total: z.number(),
  used: z.number(),
  available: z.number(),
  percentage: z.number(),
})
export const SystemMetricsResponse = okWith({
  metrics: z.looseObject({
    timestamp: Iso,
    cpu: z.looseObject({ percentage: z.number().nullable(), cores: z.number() }),
    load: z.looseObject({ '1m': z.number(), '5m': z.number(), '15m': z.number() }),
    memory: z.looseObject({ total: z.number(), used: z.number(), available: z.number(), percentage: z.number() }),
    disk: z.looseObject({ dockerRoot: Disk.nullable(), backups: Disk.nullable() }),
    containers: z.looseObject({ total: z.number(), running: z.number(), managed: z.number() }),
    docker: z.looseObject({ version: z.string().nullable(), apiVersion: z.string().nullable() }),
    uptimeSeconds: z.number(),
  }),
})

export const AlertSchema = z.looseObject({
  alertId: z.string(),
  rule: z.enum(ALERT_RULES),
  severity: z.enum(['warning', 'critical']),
  state: z.enum(['firing', 'resolved']),
  serviceId: z.string(),
  containerId: z.string().nullable(),
  serviceName: z.string(),
  message: z.string(),
  value: z.number().nullable(),
  threshold: z.number().nullable(),
  startedAt: Iso,
  resolvedAt: Iso.nullable(),
})

/** An alert as every response and event names it: `alertId`, never a bare `id`. */
export function alertView(alert: AlertRecord) {
  const { id, ...rest } = alert
  return { alertId: id, ...rest }
}

export const AlertsResponse = okWith({
  active: z.array(AlertSchema),
  recent: z.array(AlertSchema),
  total: z.number().int(),
})

const WebhookViewSchema = z.looseObject({ configured: z.boolean(), url: z.string().nullable() })
const Thresholds = AlertThresholdsSchema.loose()
export const AlertSettingsResponse = okWith({
  thresholds: Thresholds,
  defaults: Thresholds,
  rules: z.array(z.enum(ALERT_RULES)),
  webhook: WebhookViewSchema,
})
export const ServiceAlertSettingsResponse = okWith({
  serviceId: z.string(),
  overrides: AlertThresholdsPatch.loose(),
  effective: Thresholds,
})
export const WebhookResponse = okWith({ webhook: WebhookViewSchema })
export const WebhookTestResponse = okWith({ test: WebhookTestReportSchema })
