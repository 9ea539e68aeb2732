import type { Storage } from 'unstorage'
import { AppError } from '../src/errors'
import type { DeploymentRecord } from '../src/deploy/record'
import { isSafeId, keyFor } from './keys'

/** The agent's record of every deploy and how it ended, under `deployments:<deploymentId>`. */
export interface DeploymentStore {
  get(id: string): Promise<DeploymentRecord | null>
  put(record: DeploymentRecord): Promise<void>
  list(): Promise<DeploymentRecord[]>
}

function isDeploymentRecord(v: unknown): v is DeploymentRecord {
  const r = v as DeploymentRecord
  return typeof v === 'object' && v !== null && typeof r.id === 'string' && typeof r.status === 'string' && Array.isArray(r.steps)
}

const corrupt = (id: string) => new AppError(500, 'corrupt_record', `The stored record 'deployments:${id}' cannot be read; fix or delete it`)

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
      return items.map(({ key, value }) => {
        if (!isDeploymentRecord(value)) throw corrupt(key)
        return value
      })
    },
  }
}
