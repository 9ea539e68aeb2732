import type { Storage } from 'unstorage'
import type { ZodType } from 'zod'
import { firstIssue, type CorruptRecord } from './corrupt-record'

/**
 * Every record under `base` (one batched read), checked against `schema`. Keys come back with
 * `base` stripped; a record that fails the schema is reported in `corrupt` and left in place.
 */
export async function readRecords<T>(storage: Storage, schema: ZodType<T>, store: string, base = '') {
  const records = new Map<string, T>()
  const corrupt: CorruptRecord[] = []
  const keys = await storage.getKeys(base)
  for (const { key, value } of await storage.getItems(keys)) {
    const parsed = schema.safeParse(value)
    if (parsed.success) records.set(key.slice(base ? base.length + 1 : 0), parsed.data)
    else corrupt.push({ key: `${store}:${key}`, reason: firstIssue(parsed.error) })
  }
  return { records, corrupt }
}
