import { createStorage, prefixStorage, type Driver, type Storage } from 'unstorage'
import { createDeploymentStore, type DeploymentStore } from './deployments'
import { createBackupScheduleStore, createBackupStore, type BackupScheduleStore, type BackupStore } from './backups'
import { createAlertSettingsStore, type AlertSettingsStore } from './alert-settings'
import { createAlertStateStore, type AlertStateStore } from './alert-state'
import { DEFAULT_STORAGE_TIMEOUT_MS, driverFor, type DriverConfig } from './driver'
import { freshRead } from './fresh-read'
import { guardDriver } from './guarded-driver'
import { createMetricsHistoryStore, type MetricsHistoryStore } from './metrics-history'
import { createMonitorSettingsStore, type MonitorSettingsStore } from './monitor-settings'
import { createSessionStore, type SessionStore } from './sessions'
import { createSettingsStore, type SettingsStore } from './settings'
import { createTemplateStore, type TemplateStore } from './templates'
import { createTicketStore, type TicketStore } from './tickets'

/** The typed stores of one app, each a prefixStorage view of one unstorage instance. */
export interface Stores {
  storage: Storage
  settings: SettingsStore
  tickets: TicketStore
  /** Browser sessions (the `zapie_session` cookie); settings, so every driver keeps them. */
  sessions: SessionStore
  /** The template catalogue; the defaults are seeded on first use. */
  templates: TemplateStore
  /** The agent's deploy records (its own stores; in single-host mode the same instance). */
  deployments: DeploymentStore
  backups: BackupStore
  backupSchedules: BackupScheduleStore
  monitorSettings: MonitorSettingsStore
  metricsHistory: MetricsHistoryStore
  alertSettings: AlertSettingsStore
  alertState: AlertStateStore
  /** Resolves when the store answers a read within its deadline; rejects (503) when it does not. */
  ping(): Promise<void>
  close(): Promise<void>
}

/** How long a store ping that succeeded is taken as the answer for health checks that follow. */
export const PING_REUSE_MS = 100

/**
 * Builds the stores from config (memory, redis) or a given driver (fs on Node, KV on Workers).
 * Every driver call has a deadline and its failures become AppErrors (503, 507): see guardDriver.
 */
export async function createStores(config: DriverConfig, options: { driver?: Driver } = {}): Promise<Stores> {
  const driver = options.driver ?? (await driverFor(config))
  const storage = createStorage({
    driver: guardDriver(driver, { timeoutMs: config.storageTimeoutMs ?? DEFAULT_STORAGE_TIMEOUT_MS }),
  })
  const settings = createSettingsStore(prefixStorage(storage, 'settings'))
  // Health checks that come together share one read, and a good answer serves for 100 ms: a
  // store that stops answering shows in health within that plus its deadline. (On the fs store
  // each ping is an ENOENT stat, whose error costs the event loop more than the check is worth.)
  const ping = freshRead(async () => void (await storage.hasItem('settings:ping')), { reuseMs: PING_REUSE_MS })
  return {
    storage,
    settings,
    tickets: createTicketStore(prefixStorage(storage, 'tickets')),
    sessions: createSessionStore(prefixStorage(storage, 'settings:sessions')),
    templates: createTemplateStore(prefixStorage(storage, 'templates'), settings),
    deployments: createDeploymentStore(prefixStorage(storage, 'deployments')),
    backups: createBackupStore(prefixStorage(storage, 'backups')),
    // Schedules are settings (ARCHITECTURE §7), in their own sub-prefix so they list apart.
    backupSchedules: createBackupScheduleStore(prefixStorage(storage, 'settings:backup-schedules')),
    monitorSettings: createMonitorSettingsStore(prefixStorage(storage, 'monitor-settings')),
    metricsHistory: createMetricsHistoryStore(prefixStorage(storage, 'metrics-history')),
    alertSettings: createAlertSettingsStore(prefixStorage(storage, 'alert-settings')),
    alertState: createAlertStateStore(prefixStorage(storage, 'alert-state')),
    ping,
    close: () => storage.dispose(),
  }
}

export { keyFor, isSafeId, InvalidKeyError } from './keys'
export { CorruptRecordError, type CorruptRecord } from './corrupt-record'
export type { Session } from './sessions'
export { insufficientStorage, storageError, storageUnavailable } from './storage-errors'
export type {
  AlertSettingsStore,
  AlertStateStore,
  BackupScheduleStore,
  BackupStore,
  DeploymentStore,
  MetricsHistoryStore,
  MonitorSettingsStore,
  SessionStore,
  SettingsStore,
  TemplateStore,
  TicketStore,
}
