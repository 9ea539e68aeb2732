import type { Storage } from 'unstorage'
import { keyFor } from './keys'

const TIERS = new Set(['raw', '1m', '10m', '1h'])

export interface StoredChunk {
  tier: string
  start: number
  chunk: unknown
}

/**
 * Metrics history in compact pieces: one record per (service, tier, time chunk) holding base64
 * typed arrays, plus one small record of the buckets still being filled. A flush rewrites only
 * the chunks that changed, so writes stay proportional to new samples, not to the history kept.
 */
export interface MetricsHistoryStore {
  /** Services that have history. */
  services(): Promise<string[]>
  load(serviceId: string): Promise<{ chunks: StoredChunk[]; open: unknown }>
  writeChunk(serviceId: string, tier: string, start: number, chunk: unknown): Promise<void>
  writeOpen(serviceId: string, open: unknown): Promise<void>
  removeChunk(serviceId: string, tier: string, start: number): Promise<void>
  remove(serviceId: string): Promise<void>
}

const chunkKey = (serviceId: string, tier: string, start: number) => {
  if (!TIERS.has(tier) || !Number.isSafeInteger(start) || start < 0)
    throw new Error(`invalid history chunk ${tier}:${start}`)
  return `${keyFor(serviceId)}:${tier}:${start}`
}

export function createMetricsHistoryStore(storage: Storage): MetricsHistoryStore {
  return {
    async services() {
      const ids = new Set<string>()
      for (const key of await storage.getKeys()) ids.add(key.split(':')[0]!)
      return [...ids]
    },
    async load(serviceId) {
      const base = keyFor(serviceId)
      const chunks: StoredChunk[] = []
      let open: unknown = null
      for (const key of await storage.getKeys(base)) {
        const [, tier, start] = key.split(':')
        if (tier === 'open') open = await storage.getItem(key)
        else if (tier && TIERS.has(tier) && start)
          chunks.push({ tier, start: Number(start), chunk: await storage.getItem(key) })
      }
      return { chunks, open }
    },
    writeChunk: (serviceId, tier, start, chunk) => storage.setItem(chunkKey(serviceId, tier, start), chunk as never),
    writeOpen: (serviceId, open) => storage.setItem(`${keyFor(serviceId)}:open`, open as never),
    removeChunk: (serviceId, tier, start) => storage.removeItem(chunkKey(serviceId, tier, start)),
    async remove(serviceId) {
      const base = keyFor(serviceId)
      for (const key of await storage.getKeys(base)) await storage.removeItem(key)
    },
  }
}
