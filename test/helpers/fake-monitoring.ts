import type { AlertsApi, MonitoringApi } from '../../src/agent/api/monitoring'
import { checkThresholds, DEFAULT_THRESHOLDS, mergeThresholds } from '../../src/agent/monitor/thresholds'
import { redactUrl } from '../../src/agent/monitor/webhook'
import { badRequest } from '../../src/errors'
import {
  ALERT_RULES,
  type AlertRecord,
  type AlertThresholdsOverride,
  type MonitorSettings,
  type ServiceHealth,
  type ServiceMetrics,
  type WebhookTestResult,
} from '../../src/schemas/monitoring'
import type { ServiceSummary } from '../../src/schemas/service'

export function fakeMetrics(timestamp = '2026-01-01T00:00:10.000Z'): ServiceMetrics {
  return {
    timestamp,
    source: 'cgroup-v1',
    cpu: { percentage: 12.5, cores: 0.25, limitCores: 2 },
    memory: { usage: 50 * 1024 * 1024, limit: 1024 * 1024 * 1024, percentage: 4.88, cache: 1024 },
    network: { rx: 1000, tx: 500, rxRate: 10, txRate: 5 },
    blockIO: { read: 4096, write: 8192, readRate: 0, writeRate: 0 },
    pids: 3,
    restartCount: 0,
    uptime: 60,
  }
}

/**
 * Monitoring and alerts for the fake agent: answers from the fake services' summaries, keeps
 * settings in memory, and validates like the real agent does. `alerts` can be seeded by tests.
 */
export function createFakeMonitoring(
  services: () => { summary: ServiceSummary }[],
  byRef: (ref: string) => { summary: ServiceSummary },
) {
  const settings = new Map<string, MonitorSettings>()
  const overrides = new Map<string, AlertThresholdsOverride>()
  let globalOverride: AlertThresholdsOverride = {}
  let webhook: string | null = null
  const alerts: AlertRecord[] = []
  /**
   * What the next webhook tests answer, in order (then `delivered`); every call is recorded
   * with the URL it was given, so a test can see that the handler stopped a request itself.
   */
  const webhookTests: { script: WebhookTestResult[]; calls: (string | null)[] } = { script: [], calls: [] }

  const settingsOf = (id: string) => settings.get(id) ?? { enabled: true, intervalMs: 10_000 }
  const health = (s: ServiceSummary): ServiceHealth => ({
    containerId: s.id,
    serviceId: s.serviceId,
    serviceName: s.name,
    status: s.isRunning ? 'up' : 'down',
    state: s.state,
    health: null,
    uptime: s.isRunning ? '1m' : '0s',
    uptimeSeconds: s.isRunning ? 60 : 0,
    restartCount: 0,
    exitCode: s.isRunning ? null : 0,
    oomKilled: false,
    startedAt: null,
    finishedAt: null,
    lastCheck: '2026-01-01T00:00:10.000Z',
    monitoring: settingsOf(s.serviceId),
    metrics: s.isRunning && settingsOf(s.serviceId).enabled ? fakeMetrics() : null,
  })
  const monitored = (s: ServiceSummary) => ({
    serviceId: s.serviceId,
    containerId: s.id,
    ...settingsOf(s.serviceId),
    lastSampleAt: null,
    source: null,
    historyError: null,
  })
  const global = () => mergeThresholds(DEFAULT_THRESHOLDS, globalOverride)
  const assertValid = (o: AlertThresholdsOverride, base = global()) => {
    const problems = checkThresholds(mergeThresholds(base, o))
    if (problems.length) throw badRequest('Invalid thresholds', problems)
  }
  const settingsView = () => ({
    thresholds: global(),
    defaults: DEFAULT_THRESHOLDS,
    rules: ALERT_RULES,
    webhook: { configured: webhook !== null, url: webhook ? redactUrl(webhook) : null },
  })

  const api: MonitoringApi & AlertsApi = {
    getHealth: async (ref) => health(byRef(ref).summary),
    getAllHealth: async () => {
      const list = services().map((s) => health(s.summary))
      const summary = { up: 0, down: 0, paused: 0, restarting: 0, unhealthy: 0, unreachable: 0, total: list.length }
      for (const h of list) summary[h.status] += 1
      return { services: list, summary, collectedAt: '2026-01-01T00:00:10.000Z' }
    },
    getMetrics: async (ref, o) => {
      const s = byRef(ref).summary
      const raw = o.timeRange === '1h'
      const point = {
        cpu: 12.5,
        memory: 52428800,
        memoryPercent: 4.88,
        rxRate: 10,
        txRate: 5,
        readRate: 0,
        writeRate: 0,
        pids: 3,
      }
      const spread = (v: number) => ({ min: v, avg: v, max: v })
      return {
        containerId: s.id,
        serviceId: s.serviceId,
        timeRange: o.timeRange,
        resolution: raw ? 'raw' : o.timeRange === '6h' ? '1m' : o.timeRange === '30d' ? '1h' : '10m',
        current: health(s).metrics,
        historical: raw
          ? [{ timestamp: '2026-01-01T00:00:10.000Z', ...point }]
          : [
              {
                timestamp: '2026-01-01T00:00:00.000Z',
                samples: 6,
                ...Object.fromEntries(Object.entries(point).map(([k, v]) => [k, spread(v)])),
              },
            ],
      } as Awaited<ReturnType<MonitoringApi['getMetrics']>>
    },
    startMonitoring: async (ref, o) => {
      const s = byRef(ref).summary
      settings.set(s.serviceId, { enabled: true, intervalMs: o.intervalMs })
      return monitored(s)
    },
    stopMonitoring: async (ref) => {
      const s = byRef(ref).summary
      settings.set(s.serviceId, { enabled: false, intervalMs: settingsOf(s.serviceId).intervalMs })
      return monitored(s)
    },
    monitoringStatus: async () => ({
      running: true,
      collector: { mode: 'auto', cgroupVersion: 1, lastTickAt: null, lastTickMs: null, ticks: 0 },
      defaultIntervalMs: 10_000,
      services: services().map((s) => monitored(s.summary)),
    }),
    systemMetrics: async () => ({
      timestamp: '2026-01-01T00:00:10.000Z',
      cpu: { percentage: 5, cores: 2 },
      load: { '1m': 0.1, '5m': 0.2, '15m': 0.3 },
      memory: { total: 1 << 30, used: 1 << 29, available: 1 << 29, percentage: 50 },
      disk: {
        dockerRoot: { path: '/var/lib/docker', total: 100, used: 50, available: 50, percentage: 50 },
        backups: null,
      },
      containers: { total: services().length, running: 1, paused: 0, stopped: 0, managed: services().length },
      docker: { version: '99.0-fake', apiVersion: '1.41' },
      uptimeSeconds: 1000,
    }),
    listAlerts: async (o) => {
      const pick = (a: AlertRecord) => !o?.serviceId || a.serviceId === o.serviceId
      const limit = o?.limit ?? 100
      return {
        active: alerts.filter((a) => a.state === 'firing' && pick(a)).slice(0, limit),
        recent: alerts.filter((a) => a.state === 'resolved' && pick(a)).slice(0, limit),
      }
    },
    getAlertSettings: async () => settingsView(),
    setAlertThresholds: async (o) => {
      assertValid(o, DEFAULT_THRESHOLDS)
      globalOverride = o
      return settingsView()
    },
    getServiceAlertSettings: async (ref) => {
      const s = byRef(ref).summary
      return {
        serviceId: s.serviceId,
        overrides: overrides.get(s.serviceId) ?? {},
        effective: mergeThresholds(global(), overrides.get(s.serviceId)),
      }
    },
    setServiceAlertThresholds: async (ref, o) => {
      const s = byRef(ref).summary
      assertValid(o)
      if (Object.keys(o).length) overrides.set(s.serviceId, o)
      else overrides.delete(s.serviceId)
      return { serviceId: s.serviceId, overrides: o, effective: mergeThresholds(global(), o) }
    },
    setAlertWebhook: async (url) => {
      webhook = url
      return settingsView().webhook
    },
    testAlertWebhook: async (url) => {
      webhookTests.calls.push(url)
      const target = url ?? webhook
      if (!target) return { outcome: 'not_configured', message: 'No alert webhook is saved: enter a URL to test it' }
      return (
        webhookTests.script.shift() ?? {
          outcome: 'delivered',
          delivered: true,
          target: redactUrl(target),
          status: 204,
          durationMs: 12,
          message: `${redactUrl(target)} answered HTTP 204 in 12 ms`,
          testedAt: '2026-01-01T00:00:10.000Z',
        }
      )
    },
  }
  return { api, alerts, settings, webhookTests }
}
