import type { Storage } from 'unstorage'
import { z } from 'zod'
import { CorruptRecordError } from './corrupt-record'
import { keyFor } from './keys'

const Record = z.object({ enabled: z.boolean(), intervalMs: z.number().int().positive() })
export type MonitorSettingsRecord = z.infer<typeof Record>

/** Per-service monitoring settings the user chose (start/stop, interval); absent means the defaults. */
export interface MonitorSettingsStore {
  /** Every stored record; unreadable ones come back in `corrupt`, left in place. */
  all(): Promise<{ records: Map<string, MonitorSettingsRecord>; corrupt: CorruptRecordError[] }>
  set(serviceId: string, settings: MonitorSettingsRecord): Promise<void>
  remove(serviceId: string): Promise<void>
}

export function createMonitorSettingsStore(storage: Storage): MonitorSettingsStore {
  return {
    async all() {
      const records = new Map<string, MonitorSettingsRecord>()
      const corrupt: CorruptRecordError[] = []
      for (const key of await storage.getKeys()) {
        const parsed = Record.safeParse(await storage.getItem(key))
        if (parsed.success) records.set(key, parsed.data)
        else corrupt.push(new CorruptRecordError('monitor-settings', key, parsed.error.message))
      }
      return { records, corrupt }
    },
    set: (serviceId, settings) => storage.setItem(keyFor(serviceId), settings),
    remove: (serviceId) => storage.removeItem(keyFor(serviceId)),
  }
}
