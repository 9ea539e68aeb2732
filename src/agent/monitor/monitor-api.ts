import { dockerUnavailable, notFound } from '../../errors'
import { webhookRefusedError } from '../../net/webhook-policy'
import {
  ALERT_RULES,
  type AlertSettingsView,
  type HealthOverview,
  type HealthStatus,
  type MonitoredService,
  type ServiceAlertSettingsView,
  type ServiceHealth,
} from '../../schemas/monitoring'
import { ServiceRef } from '../../schemas/service'
import { sameJson } from '../../same-json'
import type { AlertsApi, MonitoringApi } from '../api/monitoring'
import type { InventoryEntry } from './inventory'
import type { Monitor } from './monitor'
import { createSystemMetrics } from './system-metrics'
import { redactUrl } from './webhook'

const STATUSES: HealthStatus[] = ['up', 'down', 'paused', 'restarting', 'unhealthy', 'unreachable']

/** The in-process MonitoringApi and AlertsApi, answered from the monitor's state. */
export function createMonitoringApi(
  monitor: Monitor,
  deps: { docker: Parameters<typeof createSystemMetrics>[0]['docker']; backupDir: string },
): MonitoringApi & AlertsApi {
  const systemMetrics = createSystemMetrics({
    docker: deps.docker,
    hostCpu: monitor.hostCpu,
    procRoot: monitor.options.procRoot,
    backupDir: deps.backupDir,
    managedCount: () => monitor.inventory.entries().length,
  })

  async function find(ref: string): Promise<InventoryEntry> {
    if (!ServiceRef.safeParse(ref).success) throw notFound('service', ref)
    const entry = await monitor.find(ref)
    if (entry) return entry
    // Not in the last good list and Docker does not answer: say so rather than "no such service".
    if (!monitor.isDockerReachable()) throw dockerUnavailable()
    throw notFound('service', ref)
  }

  function monitored(entry: InventoryEntry): MonitoredService {
    const s = monitor.settingsOf(entry.serviceId)
    const last = s.enabled ? monitor.latestOf(entry.serviceId) : undefined
    return {
      serviceId: entry.serviceId,
      containerId: entry.id,
      ...s,
      lastSampleAt: last ? new Date(last.at).toISOString() : null,
      source: last?.metrics?.source ?? null,
      historyError: monitor.history.errorOf(entry.serviceId),
    }
  }

  /** One entry per service (two containers may share a stable id during a restore). */
  function services(): InventoryEntry[] {
    const ids = [...monitor.inventory.serviceIds()].sort()
    return ids.map((id) => monitor.inventory.byService(id)!).filter(Boolean)
  }

  function settingsView(): AlertSettingsView {
    const url = monitor.thresholds.webhookUrl()
    return {
      thresholds: monitor.thresholds.global(),
      defaults: monitor.thresholds.defaults(),
      rules: ALERT_RULES,
      webhook: { configured: url !== null, url: url ? redactUrl(url) : null },
    }
  }

  function serviceSettingsView(entry: InventoryEntry): ServiceAlertSettingsView {
    return {
      serviceId: entry.serviceId,
      overrides: monitor.thresholds.serviceOverride(entry.serviceId),
      effective: monitor.thresholds.effective(entry.serviceId),
    }
  }

  let lastOverview: HealthOverview | undefined

  return {
    getHealth: async (ref) => monitor.healthOf(await find(ref)),

    async getAllHealth(): Promise<HealthOverview> {
      await monitor.current()
      const list: ServiceHealth[] = services().map((e) => monitor.healthOf(e))
      const summary = Object.fromEntries(STATUSES.map((s) => [s, 0])) as HealthOverview['summary']
      for (const h of list) summary[h.status] += 1
      summary.total = list.length
      const at = monitor.inventory.refreshedAt()
      const overview = { services: list, summary, collectedAt: at === null ? null : new Date(at).toISOString() }
      // The same object while it says the same, so the API can keep its serialised text with it.
      if (!lastOverview || !sameJson(overview, lastOverview)) lastOverview = overview
      return lastOverview
    },

    async getMetrics(ref, options) {
      const entry = await find(ref)
      const { resolution, points } = monitor.query(entry.serviceId, options.timeRange)
      return {
        containerId: entry.id,
        serviceId: entry.serviceId,
        timeRange: options.timeRange,
        resolution,
        current: monitor.healthOf(entry).metrics,
        historical: points,
      }
    },

    async startMonitoring(ref, options) {
      const entry = await find(ref)
      await monitor.setMonitoring(entry, { enabled: true, intervalMs: options.intervalMs })
      return monitored(entry)
    },

    async stopMonitoring(ref) {
      const entry = await find(ref)
      await monitor.setMonitoring(entry, { enabled: false })
      return monitored(entry)
    },

    async monitoringStatus() {
      await monitor.ready()
      const tick = monitor.lastTick()
      return {
        running: monitor.isRunning(),
        collector: {
          mode: monitor.collector.mode,
          cgroupVersion: monitor.collector.cgroupVersion(),
          lastTickAt: tick ? new Date(tick.at).toISOString() : null,
          lastTickMs: tick?.ms ?? null,
          ticks: monitor.ticks(),
        },
        defaultIntervalMs: monitor.options.defaultIntervalMs,
        services: services().map(monitored),
      }
    },

    systemMetrics: () => systemMetrics(),

    async listAlerts(options) {
      return monitor.alerts.list({ serviceId: options?.serviceId, limit: options?.limit })
    },

    getAlertSettings: async () => settingsView(),

    async setAlertThresholds(thresholds) {
      await monitor.thresholds.setGlobal(thresholds)
      return settingsView()
    },

    getServiceAlertSettings: async (ref) => serviceSettingsView(await find(ref)),

    async setServiceAlertThresholds(ref, thresholds) {
      const entry = await find(ref)
      await monitor.thresholds.setService(entry.serviceId, thresholds)
      return serviceSettingsView(entry)
    },

    async setAlertWebhook(url) {
      // Handlers judge address literals; here the name is resolved too (and RPC callers are judged).
      const refused = url ? await monitor.webhook.check(url) : null
      if (refused) throw webhookRefusedError(refused)
      await monitor.thresholds.setWebhookUrl(url)
      return settingsView().webhook
    },
  }
}
