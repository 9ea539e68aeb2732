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
} from '../../schemas/monitoring'
import type { CallOptions } from './call-options'

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
  setServiceAlertThresholds(ref: string, thresholds: AlertThresholdsOverride, options?: CallOptions): Promise<ServiceAlertSettingsView>
  /** Sets (or, with null, removes) the URL alerts are POSTed to. Answers it redacted. */
  setAlertWebhook(url: string | null, options?: CallOptions): Promise<WebhookView>
}
