import type { Storage } from 'unstorage'
import type { DeploymentRecord } from '../src/deploy/record'
import { CorruptRecordError, type CorruptRecord } from './corrupt-record'
import { isSafeId, keyFor } from './keys'

/** The agent's record of every deploy and how it ended, under `deployments:<deploymentId>`. */
export interface DeploymentStore {
  get(id: string): Promise<DeploymentRecord | null>
  put(record: DeploymentRecord): Promise<void>
  /** Every record; an unreadable one is reported in `corrupt` and left in place. */
  list(): Promise<{ records: DeploymentRecord[]; corrupt: CorruptRecord[] }>
}

function isDeploymentRecord(v: unknown): v is DeploymentRecord {
  const r = v as DeploymentRecord
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof r.id === 'string' &&
    typeof r.status === 'string' &&
    Array.isArray(r.steps)
  )
}

const corrupt = (id: string) =>
  new CorruptRecordError(`deployments:${id}`, 'not a deployment record (needs id, status and steps)')

export function createDeploymentStore(storage: Storage): DeploymentStore {
  return {
    async get(id) {
      if (!isSafeId(id)) return null
      const value = await storage.getItem(keyFor(id))
      if (value === null || value === undefined) return null
      if (!isDeploymentRecord(value)) throw corrupt(id)
      return value
    },
    put: (record) => storage.setItem(keyFor(record.id), record as never),
    async list() {
      const keys = (await storage.getKeys()).filter(isSafeId)
      const items = await storage.getItems(keys)
      const records: DeploymentRecord[] = []
      const unreadable: CorruptRecord[] = []
      for (const { key, value } of items) {
        if (isDeploymentRecord(value)) records.push(value)
        else unreadable.push(corrupt(key).record)
      }
      return { records, corrupt: unreadable }
    },
  }
}
