import { createStorage, prefixStorage, type Driver, type Storage } from 'unstorage'
import { driverFor, type DriverConfig } from './driver'
import { createSettingsStore, type SettingsStore } from './settings'
import { createTicketStore, type TicketStore } from './tickets'

/** The typed stores of one app, each a prefixStorage view of one unstorage instance. */
export interface Stores {
  storage: Storage
  settings: SettingsStore
  tickets: TicketStore
  close(): Promise<void>
}

/** Builds the stores from config (fs by default, memory for tests, redis) or a given driver (KV on Workers). */
export async function createStores(config: DriverConfig, options: { driver?: Driver } = {}): Promise<Stores> {
  const storage = createStorage({ driver: options.driver ?? (await driverFor(config)) })
  return {
    storage,
    settings: createSettingsStore(prefixStorage(storage, 'settings')),
    tickets: createTicketStore(prefixStorage(storage, 'tickets')),
    close: () => storage.dispose(),
  }
}

export { keyFor, isSafeId, InvalidKeyError } from './keys'
export type { SettingsStore, TicketStore }
