import { dockerUnavailable, notFound } from '../../errors'
import { webhookRefusedError } from '../../net/webhook-policy'
import {
  ALERT_RULES,
  type AlertSettingsView,
  type HealthOverview,
  type HealthStatus,
  type ServiceAlertSettingsView,
  type ServiceHealth,
  type SystemMetrics,
} from '../../schemas/monitoring'
import { ServiceRef } from '../../schemas/service'
import type { AlertsApi, MonitoringApi } from '../api/monitoring'
import type { AlertEngine } from './alert-engine'
import type { InventoryEntry } from './inventory'
import type { MonitorQueries } from './monitor'
import type { Thresholds } from './thresholds'
import { redactUrl, type WebhookSender } from './webhook'

const STATUSES: HealthStatus[] = ['up', 'down', 'paused', 'restarting', 'unhealthy', 'unreachable']

/** What the monitoring and alerts API asks of the agent: the monitor, the alerting parts, the host. */
export interface MonitoringApiDeps {
  monitor: MonitorQueries
  alerts: Pick<AlertEngine, 'list'>
  thresholds: Pick<
    Thresholds,
    | 'global'
    | 'defaults'
    | 'webhookUrl'
    | 'serviceOverride'
    | 'effective'
    | 'setGlobal'
    | 'setService'
    | 'setWebhookUrl'
  >
  /** Judges a webhook URL before it is stored (the name is resolved here, not only the literal). */
  webhook: Pick<WebhookSender, 'check'>
  systemMetrics: () => Promise<SystemMetrics>
}

/** The in-process MonitoringApi and AlertsApi, answered from the monitor's state (the webhook test: webhook-test.ts). */
export function createMonitoringApi({
  monitor,
  alerts,
  thresholds,
  webhook,
  systemMetrics,
}: MonitoringApiDeps): MonitoringApi & Omit<AlertsApi, 'testAlertWebhook'> {
  async function find(ref: string): Promise<InventoryEntry> {
    if (!ServiceRef.safeParse(ref).success) throw notFound('service', ref)
    const entry = await monitor.find(ref)
    if (entry) return entry
    // Not in the last good list and Docker does not answer: say so rather than "no such service".
    if (!monitor.isDockerReachable()) throw dockerUnavailable()
    throw notFound('service', ref)
  }

  function settingsView(): AlertSettingsView {
    const url = thresholds.webhookUrl()
    return {
      thresholds: thresholds.global(),
      defaults: thresholds.defaults(),
      rules: ALERT_RULES,
      webhook: { configured: url !== null, url: url ? redactUrl(url) : null },
    }
  }

  function serviceSettingsView(entry: InventoryEntry): ServiceAlertSettingsView {
    return {
      serviceId: entry.serviceId,
      overrides: thresholds.serviceOverride(entry.serviceId),
      effective: thresholds.effective(entry.serviceId),
    }
  }

  let lastOverview: { at: number | null; overview: HealthOverview } | undefined

  return {
    getHealth: async (ref) => monitor.healthOf(await find(ref)),

    async getAllHealth(): Promise<HealthOverview> {
      await monitor.current()
      const list: ServiceHealth[] = monitor.services().map((e) => monitor.healthOf(e))
      const at = monitor.listedAt()
      // Each health is the same object while it says the same (healthOf): then so is the
      // overview, and the API keeps its serialised text with it.
      const last = lastOverview
      if (
        last &&
        last.at === at &&
        last.overview.services.length === list.length &&
        list.every((h, i) => h === last.overview.services[i])
      )
        return last.overview
      const summary = Object.fromEntries(STATUSES.map((s) => [s, 0])) as HealthOverview['summary']
      for (const h of list) summary[h.status] += 1
      summary.total = list.length
      const overview = { services: list, summary, collectedAt: at === null ? null : new Date(at).toISOString() }
      lastOverview = { at, overview }
      return overview
    },

    async getMetrics(ref, options) {
      const entry = await find(ref)
      const { resolution, points } = monitor.metricsOf(entry.serviceId, options.timeRange)
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
      return monitor.monitoringOf(entry)
    },

    async stopMonitoring(ref) {
      const entry = await find(ref)
      await monitor.setMonitoring(entry, { enabled: false })
      return monitor.monitoringOf(entry)
    },

    async monitoringStatus() {
      await monitor.ready()
      return { ...monitor.status(), services: monitor.services().map((e) => monitor.monitoringOf(e)) }
    },

    systemMetrics: () => systemMetrics(),

    async listAlerts(options) {
      return alerts.list({ serviceId: options?.serviceId, limit: options?.limit })
    },

    getAlertSettings: async () => settingsView(),

    async setAlertThresholds(change) {
      await thresholds.setGlobal(change)
      return settingsView()
    },

    getServiceAlertSettings: async (ref) => serviceSettingsView(await find(ref)),

    async setServiceAlertThresholds(ref, change) {
      const entry = await find(ref)
      await thresholds.setService(entry.serviceId, change)
      return serviceSettingsView(entry)
    },

    async setAlertWebhook(url) {
      // Handlers judge address literals; here the name is resolved too (and RPC callers are judged).
      const refused = url ? await webhook.check(url) : null
      if (refused) throw webhookRefusedError(refused)
      await thresholds.setWebhookUrl(url)
      return settingsView().webhook
    },
  }
}
