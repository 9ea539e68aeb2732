import type { Storage } from 'unstorage'
import { BackupRecord, StoredSchedule } from '../src/schemas/backup'
import { CorruptRecordError, firstIssue, type CorruptRecord } from './corrupt-record'
import { keyFor } from './keys'

/**
 * Backup metadata records, `backups:<serviceId>:<backupId>`, one `setItem` each. A record that
 * fails its schema is reported as corrupt, never dropped or replaced.
 */
export interface BackupStore {
  get(serviceId: string, backupId: string): Promise<BackupRecord | null>
  put(record: BackupRecord): Promise<void>
  remove(serviceId: string, backupId: string): Promise<void>
  /** One service's records, in no particular order. */
  list(serviceId: string): Promise<{ records: BackupRecord[]; corrupt: CorruptRecord[] }>
  /** Every `serviceId:backupId` pair that has a record (corrupt ones included). */
  keys(): Promise<{ serviceId: string; backupId: string }[]>
}

const recordKey = (serviceId: string, backupId: string) => `${keyFor(serviceId)}:${keyFor(backupId)}`

function parseRecord(key: string, value: unknown): BackupRecord | CorruptRecordError {
  const parsed = BackupRecord.safeParse(value)
  return parsed.success ? parsed.data : new CorruptRecordError(`backups:${key}`, firstIssue(parsed.error))
}

export function createBackupStore(storage: Storage): BackupStore {
  return {
    async get(serviceId, backupId) {
      const value = await storage.getItem(recordKey(serviceId, backupId))
      if (value === null) return null
      const parsed = parseRecord(recordKey(serviceId, backupId), value)
      if (parsed instanceof CorruptRecordError) throw parsed
      return parsed
    },
    put: (record) => storage.setItem(recordKey(record.serviceId, record.id), record as never),
    remove: (serviceId, backupId) => storage.removeItem(recordKey(serviceId, backupId)),
    async list(serviceId) {
      const keys = await storage.getKeys(keyFor(serviceId))
      const records: BackupRecord[] = []
      const corrupt: CorruptRecord[] = []
      for (const key of keys) {
        const parsed = parseRecord(key, await storage.getItem(key))
        if (parsed instanceof CorruptRecordError) corrupt.push(parsed.record)
        else if (parsed.serviceId === serviceId) records.push(parsed)
      }
      return { records, corrupt }
    },
    async keys() {
      return (await storage.getKeys()).flatMap((key) => {
        const parts = key.split(':')
        return parts.length === 2 ? [{ serviceId: parts[0]!, backupId: parts[1]! }] : []
      })
    },
  }
}

/**
 * Backup schedules and retention policies, one document per service under
 * `settings:backup-schedules:<serviceId>`.
 */
export interface BackupScheduleStore {
  get(serviceId: string): Promise<StoredSchedule | null>
  set(schedule: StoredSchedule): Promise<void>
  remove(serviceId: string): Promise<void>
  /** Every readable schedule; unreadable ones are reported. */
  all(): Promise<{ schedules: StoredSchedule[]; corrupt: CorruptRecord[] }>
}

export function createBackupScheduleStore(storage: Storage): BackupScheduleStore {
  const read = (key: string, value: unknown): StoredSchedule | CorruptRecordError => {
    const parsed = StoredSchedule.safeParse(value)
    return parsed.success
      ? parsed.data
      : new CorruptRecordError(`settings:backup-schedules:${key}`, firstIssue(parsed.error))
  }
  return {
    async get(serviceId) {
      const value = await storage.getItem(keyFor(serviceId))
      if (value === null) return null
      const parsed = read(keyFor(serviceId), value)
      if (parsed instanceof CorruptRecordError) throw parsed
      return parsed
    },
    set: (schedule) => storage.setItem(keyFor(schedule.serviceId), schedule as never),
    remove: (serviceId) => storage.removeItem(keyFor(serviceId)),
    async all() {
      const schedules: StoredSchedule[] = []
      const corrupt: CorruptRecord[] = []
      for (const key of await storage.getKeys()) {
        const parsed = read(key, await storage.getItem(key))
        if (parsed instanceof CorruptRecordError) corrupt.push(parsed.record)
        else schedules.push(parsed)
      }
      return { schedules, corrupt }
    },
  }
}
