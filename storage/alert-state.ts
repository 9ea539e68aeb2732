import type { Storage } from 'unstorage'
import { z } from 'zod'
import { ALERT_RULES, type AlertRecord } from '../src/schemas/monitoring'
import type { CorruptRecord } from './corrupt-record'
import { keyFor } from './keys'
import { readRecords } from './read-records'

const Alert = z.object({
  id: z.string(),
  rule: z.enum(ALERT_RULES),
  severity: z.enum(['warning', 'critical']),
  state: z.enum(['firing', 'resolved']),
  serviceId: z.string(),
  containerId: z.string().nullable(),
  serviceName: z.string(),
  message: z.string(),
  value: z.number().nullable(),
  threshold: z.number().nullable(),
  startedAt: z.string(),
  resolvedAt: z.string().nullable(),
  lastNotifiedAt: z.string(),
  notifications: z.number(),
}) satisfies z.ZodType<AlertRecord>
const Record = z.object({ active: z.array(Alert), recent: z.array(Alert) })
export type AlertStateRecord = z.infer<typeof Record>

/**
 * Alerts per service: those firing (so a restarted agent neither repeats nor forgets them) and
 * the recently resolved. Written on each fire and resolve only.
 */
export interface AlertStateStore {
  /** Every stored record; an unreadable one is reported in `corrupt`. */
  all(): Promise<{ records: Map<string, AlertStateRecord>; corrupt: CorruptRecord[] }>
  set(serviceId: string, value: AlertStateRecord): Promise<void>
  remove(serviceId: string): Promise<void>
}

export function createAlertStateStore(storage: Storage): AlertStateStore {
  return {
    all: () => readRecords(storage, Record, 'alert-state'),
    set: (serviceId, value) => storage.setItem(keyFor(serviceId), value),
    remove: (serviceId) => storage.removeItem(keyFor(serviceId)),
  }
}
