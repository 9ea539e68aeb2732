import { createStorage, prefixStorage, type Driver, type Storage } from 'unstorage'
import { createBackupScheduleStore, createBackupStore, type BackupScheduleStore, type BackupStore } from './backups'
import { driverFor, type DriverConfig } from './driver'
import { createSettingsStore, type SettingsStore } from './settings'
import { createTicketStore, type TicketStore } from './tickets'

/** The typed stores of one app, each a prefixStorage view of one unstorage instance. */
export interface Stores {
  storage: Storage
  settings: SettingsStore
  tickets: TicketStore
  backups: BackupStore
  backupSchedules: BackupScheduleStore
  close(): Promise<void>
}

/** Builds the stores from config (fs by default, memory for tests, redis) or a given driver (KV on Workers). */
export async function createStores(config: DriverConfig, options: { driver?: Driver } = {}): Promise<Stores> {
  const storage = createStorage({ driver: options.driver ?? (await driverFor(config)) })
  return {
    storage,
    settings: createSettingsStore(prefixStorage(storage, 'settings')),
    tickets: createTicketStore(prefixStorage(storage, 'tickets')),
    backups: createBackupStore(prefixStorage(storage, 'backups')),
    // Schedules are settings (ARCHITECTURE §7), in their own sub-prefix so they list apart.
    backupSchedules: createBackupScheduleStore(prefixStorage(storage, 'settings:backup-schedules')),
    close: () => storage.dispose(),
  }
}

export { keyFor, isSafeId, InvalidKeyError } from './keys'
export type { BackupScheduleStore, BackupStore, SettingsStore, TicketStore }
