import type { Storage } from 'unstorage'
import { z } from 'zod'
import type { CorruptRecord } from './corrupt-record'
import { keyFor } from './keys'
import { readRecords } from './read-records'

const Record = z.object({ enabled: z.boolean(), intervalMs: z.number().int().positive() })
export type MonitorSettingsRecord = z.infer<typeof Record>

/** Per-service monitoring settings the user chose (start/stop, interval); absent means the defaults. */
export interface MonitorSettingsStore {
  /** Every stored record; unreadable ones come back in `corrupt`, left in place. */
  all(): Promise<{ records: Map<string, MonitorSettingsRecord>; corrupt: CorruptRecord[] }>
  set(serviceId: string, settings: MonitorSettingsRecord): Promise<void>
  remove(serviceId: string): Promise<void>
}

export function createMonitorSettingsStore(storage: Storage): MonitorSettingsStore {
  return {
    all: () => readRecords(storage, Record, 'monitor-settings'),
    set: (serviceId, settings) => storage.setItem(keyFor(serviceId), settings),
    remove: (serviceId) => storage.removeItem(keyFor(serviceId)),
  }
}
