import { createStorage, prefixStorage, type Driver, type Storage } from 'unstorage'
import { createAlertSettingsStore, type AlertSettingsStore } from './alert-settings'
import { createAlertStateStore, type AlertStateStore } from './alert-state'
import { driverFor, type DriverConfig } from './driver'
import { createMetricsHistoryStore, type MetricsHistoryStore } from './metrics-history'
import { createMonitorSettingsStore, type MonitorSettingsStore } from './monitor-settings'
import { createSettingsStore, type SettingsStore } from './settings'
import { createTicketStore, type TicketStore } from './tickets'

/** The typed stores of one app, each a prefixStorage view of one unstorage instance. */
export interface Stores {
  storage: Storage
  settings: SettingsStore
  tickets: TicketStore
  monitorSettings: MonitorSettingsStore
  metricsHistory: MetricsHistoryStore
  alertSettings: AlertSettingsStore
  alertState: AlertStateStore
  close(): Promise<void>
}

/** Builds the stores from config (fs by default, memory for tests, redis) or a given driver (KV on Workers). */
export async function createStores(config: DriverConfig, options: { driver?: Driver } = {}): Promise<Stores> {
  const storage = createStorage({ driver: options.driver ?? (await driverFor(config)) })
  return {
    storage,
    settings: createSettingsStore(prefixStorage(storage, 'settings')),
    tickets: createTicketStore(prefixStorage(storage, 'tickets')),
    monitorSettings: createMonitorSettingsStore(prefixStorage(storage, 'monitor-settings')),
    metricsHistory: createMetricsHistoryStore(prefixStorage(storage, 'metrics-history')),
    alertSettings: createAlertSettingsStore(prefixStorage(storage, 'alert-settings')),
    alertState: createAlertStateStore(prefixStorage(storage, 'alert-state')),
    close: () => storage.dispose(),
  }
}

export { keyFor, isSafeId, InvalidKeyError } from './keys'
export { CorruptRecordError } from './corrupt-record'
export type { SettingsStore, TicketStore, MonitorSettingsStore, MetricsHistoryStore, AlertSettingsStore, AlertStateStore }
