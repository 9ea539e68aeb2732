import { z } from 'zod'
import {
  ALERT_RULES,
  AlertThresholdsPatch,
  AlertThresholdsSchema,
  HISTORY_FIELDS,
  MONITOR_INTERVAL_MS,
  TIME_RANGES,
  WebhookBody,
  WebhookTestResultSchema,
  type HealthStatus,
  type HistoryField,
} from '../../schemas/monitoring'
import { ServiceRef } from '../../schemas/service'
import type {
  AlertList,
  AlertSettingsView,
  AlertThresholdsOverride,
  HealthOverview,
  MetricsView,
  MonitoredService,
  MonitoringStatus,
  ServiceAlertSettingsView,
  ServiceHealth,
  SystemMetrics,
  TimeRange,
  WebhookView,
  WebhookTestResult,
} from '../../schemas/monitoring'
import type { CallOptions } from './call-options'
import { call } from './method'

/**
 * Health, metrics history and monitoring control. Everything is answered from the agent's
 * collector (its latest samples and history), never by asking Docker for stats per request.
 */
export interface MonitoringApi {
  getHealth(ref: string, options?: CallOptions): Promise<ServiceHealth>
  /** Every managed service, stopped ones included. */
  getAllHealth(options?: CallOptions): Promise<HealthOverview>
  getMetrics(ref: string, options: CallOptions & { timeRange: TimeRange }): Promise<MetricsView>
  /** Starts (or re-times) monitoring of a service; persisted, resumed after an agent restart. */
  startMonitoring(ref: string, options: CallOptions & { intervalMs: number }): Promise<MonitoredService>
  stopMonitoring(ref: string, options?: CallOptions): Promise<MonitoredService>
  monitoringStatus(options?: CallOptions): Promise<MonitoringStatus>
  systemMetrics(options?: CallOptions): Promise<SystemMetrics>
}

/** Alerts: what fires and fired, thresholds (global and per service) and the webhook. */
export interface AlertsApi {
  listAlerts(options?: CallOptions & { serviceId?: string; limit?: number }): Promise<AlertList>
  getAlertSettings(options?: CallOptions): Promise<AlertSettingsView>
  /** Replaces the global override of the built-in thresholds. */
  setAlertThresholds(thresholds: AlertThresholdsOverride, options?: CallOptions): Promise<AlertSettingsView>
  getServiceAlertSettings(ref: string, options?: CallOptions): Promise<ServiceAlertSettingsView>
  /** Replaces a service's override; `{}` removes it. */
  setServiceAlertThresholds(
    ref: string,
    thresholds: AlertThresholdsOverride,
    options?: CallOptions,
  ): Promise<ServiceAlertSettingsView>
  /** Sets (or, with null, removes) the URL alerts are POSTed to. Answers it redacted. */
  setAlertWebhook(url: string | null, options?: CallOptions): Promise<WebhookView>
  /**
   * Sends one test alert, marked as a test, to `url` or (null) to the saved webhook, through the
   * same destination checks as an alert; one at a time per agent, then a short cooldown.
   */
  testAlertWebhook(url: string | null, options?: CallOptions): Promise<WebhookTestResult>
}

// ---- the wire contract of these methods ----

const Opts = z.object({}).optional()
const N = z.number().nullable()
const HEALTH_STATUSES = ['up', 'down', 'paused', 'restarting', 'unhealthy', 'unreachable'] as const
const MetricsSourceWire = z.enum(['cgroup-v1', 'cgroup-v2', 'docker-api'])

const ServiceMetricsWire = z.object({
  timestamp: z.string(),
  source: MetricsSourceWire,
  cpu: z.object({ percentage: N, cores: N, limitCores: z.number() }),
  memory: z.object({ usage: z.number(), limit: z.number(), percentage: z.number(), cache: z.number() }),
  network: z.object({ rx: N, tx: N, rxRate: N, txRate: N }),
  blockIO: z.object({ read: z.number(), write: z.number(), readRate: N, writeRate: N }),
  pids: N,
  restartCount: z.number(),
  uptime: z.number(),
})

const MonitorSettingsWire = z.object({ enabled: z.boolean(), intervalMs: z.number() })

const ServiceHealthWire = z.object({
  containerId: z.string(),
  serviceId: z.string(),
  serviceName: z.string(),
  status: z.enum(HEALTH_STATUSES),
  state: z.string(),
  health: z.string().nullable(),
  uptime: z.string(),
  uptimeSeconds: z.number(),
  restartCount: z.number(),
  exitCode: N,
  oomKilled: z.boolean(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  lastCheck: z.string().nullable(),
  monitoring: MonitorSettingsWire,
  metrics: ServiceMetricsWire.nullable(),
})

const Spread = z.object({ min: z.number(), avg: z.number(), max: z.number() })
const historyPoint = <T extends z.ZodType>(value: T) =>
  z.object({ timestamp: z.string(), ...Object.fromEntries(HISTORY_FIELDS.map((f) => [f, value.nullable()])) } as {
    timestamp: z.ZodString
  } & Record<HistoryField, z.ZodNullable<T>>)
const RawPointWire = historyPoint(z.number())
const BucketPointWire = historyPoint(Spread).extend({ samples: z.number() })

const MonitoredServiceWire = MonitorSettingsWire.extend({
  serviceId: z.string(),
  containerId: z.string().nullable(),
  lastSampleAt: z.string().nullable(),
  source: MetricsSourceWire.nullable(),
  historyError: z.string().nullable(),
})

const DiskUsageWire = z.object({
  path: z.string(),
  total: z.number(),
  used: z.number(),
  available: z.number(),
  percentage: z.number(),
})

const AlertRecordWire = z.object({
  id: z.string(),
  rule: z.enum(ALERT_RULES),
  severity: z.enum(['warning', 'critical']),
  state: z.enum(['firing', 'resolved']),
  serviceId: z.string(),
  containerId: z.string().nullable(),
  serviceName: z.string(),
  message: z.string(),
  value: N,
  threshold: N,
  startedAt: z.string(),
  resolvedAt: z.string().nullable(),
  lastNotifiedAt: z.string(),
  notifications: z.number(),
})

const WebhookViewWire = z.object({ configured: z.boolean(), url: z.string().nullable() })
const AlertSettingsViewWire = z.object({
  thresholds: AlertThresholdsSchema,
  defaults: AlertThresholdsSchema,
  rules: z.array(z.enum(ALERT_RULES)).readonly(),
  webhook: WebhookViewWire,
})
const ServiceAlertSettingsViewWire = z.object({
  serviceId: z.string(),
  overrides: AlertThresholdsPatch,
  effective: AlertThresholdsSchema,
})

export const monitoringContract = {
  getHealth: call(z.tuple([ServiceRef, Opts]), ServiceHealthWire),
  getAllHealth: call(
    z.tuple([Opts]),
    z.object({
      services: z.array(ServiceHealthWire),
      summary: z.object({
        ...Object.fromEntries(HEALTH_STATUSES.map((s) => [s, z.number()])),
        total: z.number(),
      } as Record<HealthStatus | 'total', z.ZodNumber>),
      collectedAt: z.string().nullable(),
    }),
  ),
  getMetrics: call(
    z.tuple([ServiceRef, z.object({ timeRange: z.enum(TIME_RANGES) })]),
    z.object({
      containerId: z.string(),
      serviceId: z.string(),
      timeRange: z.enum(TIME_RANGES),
      resolution: z.enum(['raw', '1m', '10m', '1h']),
      current: ServiceMetricsWire.nullable(),
      historical: z.union([z.array(RawPointWire), z.array(BucketPointWire)]),
    }),
  ),
  startMonitoring: call(
    z.tuple([
      ServiceRef,
      z.object({ intervalMs: z.number().int().min(MONITOR_INTERVAL_MS.min).max(MONITOR_INTERVAL_MS.max) }),
    ]),
    MonitoredServiceWire,
  ),
  stopMonitoring: call(z.tuple([ServiceRef, Opts]), MonitoredServiceWire),
  monitoringStatus: call(
    z.tuple([Opts]),
    z.object({
      running: z.boolean(),
      collector: z.object({
        mode: z.enum(['auto', 'docker-api']),
        cgroupVersion: z.union([z.literal(1), z.literal(2)]).nullable(),
        lastTickAt: z.string().nullable(),
        lastTickMs: N,
        ticks: z.number(),
      }),
      defaultIntervalMs: z.number(),
      services: z.array(MonitoredServiceWire),
    }),
  ),
  systemMetrics: call(
    z.tuple([Opts]),
    z.object({
      timestamp: z.string(),
      cpu: z.object({ percentage: N, cores: z.number() }),
      load: z.object({ '1m': z.number(), '5m': z.number(), '15m': z.number() }),
      memory: z.object({ total: z.number(), used: z.number(), available: z.number(), percentage: z.number() }),
      disk: z.object({ dockerRoot: DiskUsageWire.nullable(), backups: DiskUsageWire.nullable() }),
      containers: z.object({
        total: z.number(),
        running: z.number(),
        paused: z.number(),
        stopped: z.number(),
        managed: z.number(),
      }),
      docker: z.object({ version: z.string().nullable(), apiVersion: z.string().nullable() }),
      uptimeSeconds: z.number(),
    }),
  ),
}

export const alertsContract = {
  listAlerts: call(
    z.tuple([
      z
        .object({ serviceId: z.string().max(128).optional(), limit: z.number().int().min(1).max(500).optional() })
        .optional(),
    ]),
    z.object({ active: z.array(AlertRecordWire), recent: z.array(AlertRecordWire) }),
  ),
  getAlertSettings: call(z.tuple([Opts]), AlertSettingsViewWire),
  setAlertThresholds: call(z.tuple([AlertThresholdsPatch, Opts]), AlertSettingsViewWire),
  getServiceAlertSettings: call(z.tuple([ServiceRef, Opts]), ServiceAlertSettingsViewWire),
  setServiceAlertThresholds: call(z.tuple([ServiceRef, AlertThresholdsPatch, Opts]), ServiceAlertSettingsViewWire),
  setAlertWebhook: call(z.tuple([WebhookBody.shape.url, Opts]), WebhookViewWire),
  testAlertWebhook: call(z.tuple([WebhookBody.shape.url, Opts]), WebhookTestResultSchema),
}
