import type { Storage } from 'unstorage'
import { z } from 'zod'
import { AlertThresholdsPatch, type AlertThresholdsOverride } from '../src/schemas/monitoring'
import { CorruptRecordError, firstIssue, type CorruptRecord } from './corrupt-record'
import { keyFor } from './keys'
import { readRecords } from './read-records'

const GlobalRecord = z.object({ thresholds: AlertThresholdsPatch, webhookUrl: z.string().nullable() })
export type GlobalAlertSettings = z.infer<typeof GlobalRecord>

/**
 * Alert thresholds: one global record (with the webhook URL, a secret kept only here) and an
 * override per service. Overrides are keyed by the service's stable id.
 */
export interface AlertSettingsStore {
  getGlobal(): Promise<GlobalAlertSettings | null>
  setGlobal(value: GlobalAlertSettings): Promise<void>
  /** Every service override; unreadable ones come back in `corrupt`, left in place. */
  allServices(): Promise<{ records: Map<string, AlertThresholdsOverride>; corrupt: CorruptRecord[] }>
  setService(serviceId: string, value: AlertThresholdsOverride): Promise<void>
  removeService(serviceId: string): Promise<void>
}

export function createAlertSettingsStore(storage: Storage): AlertSettingsStore {
  const SERVICE = 'service:'
  return {
    async getGlobal() {
      const raw = await storage.getItem('global')
      if (raw === null) return null
      const parsed = GlobalRecord.safeParse(raw)
      if (!parsed.success) throw new CorruptRecordError('alert-settings:global', firstIssue(parsed.error))
      return parsed.data
    },
    setGlobal: (value) => storage.setItem('global', value),
    allServices: () => readRecords(storage, AlertThresholdsPatch, 'alert-settings', 'service'),
    setService: (serviceId, value) => storage.setItem(`${SERVICE}${keyFor(serviceId)}`, value),
    removeService: (serviceId) => storage.removeItem(`${SERVICE}${keyFor(serviceId)}`),
  }
}
