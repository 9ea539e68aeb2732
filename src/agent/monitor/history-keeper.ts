import { isSafeId, type MetricsHistoryStore } from '../../../storage'
import type { Logger } from '../../logger'
import { MONITOR_INTERVAL_MS, type ServiceMetrics, type TimeRange } from '../../schemas/monitoring'
import { historyRow, RANGES, ServiceHistory, tierSpecs, TIER_NAMES, type HistoryChunk, type TierName } from './history'

/**
 * Every service's history, and its persistence: loaded at start, flushed in compact chunks on an
 * interval and at shutdown, deleted with the service. A chunk that cannot be decoded is reported
 * (log and status) and left in the store, never silently dropped.
 */
export function createHistoryKeeper(deps: { store: MetricsHistoryStore; logger: Logger; retentionMs: number }) {
  const specs = tierSpecs(deps.retentionMs, MONITOR_INTERVAL_MS.min)
  const histories = new Map<string, ServiceHistory>()
  /** Chunk keys (`tier:start`) in the store, per service, so expired ones can be deleted. */
  const stored = new Map<string, Set<string>>()
  const errors = new Map<string, string>()

  const historyOf = (serviceId: string) => {
    let h = histories.get(serviceId)
    if (!h) histories.set(serviceId, (h = new ServiceHistory(specs)))
    return h
  }

  return {
    specs,
    services: () => [...histories.keys()],
    errorOf: (serviceId: string) => errors.get(serviceId) ?? null,
    bytesOf: (serviceId: string) => histories.get(serviceId)?.bytes ?? 0,

    append(serviceId: string, at: number, metrics: ServiceMetrics) {
      historyOf(serviceId).append(at, historyRow(metrics))
    },

    query(serviceId: string, range: TimeRange, now: number) {
      return histories.get(serviceId)?.query(range, now) ?? { resolution: RANGES[range].tier, points: [] }
    },

    async load(now: number) {
      for (const serviceId of await deps.store.services()) {
        const { chunks, open } = await deps.store.load(serviceId)
        const h = new ServiceHistory(specs)
        const valid = chunks.filter((c) => (TIER_NAMES as readonly string[]).includes(c.tier)) as {
          tier: TierName
          start: number
          chunk: HistoryChunk
        }[]
        try {
          h.restore(valid, open as Parameters<ServiceHistory['restore']>[1], now)
        } catch (err) {
          const message = `stored history could not be read (${(err as Error).message}); it is kept in the store, new samples start a fresh history`
          errors.set(serviceId, message)
          deps.logger.error({ msg: 'metrics history unreadable', serviceId, error: message })
          histories.set(serviceId, new ServiceHistory(specs))
          continue
        }
        histories.set(serviceId, h)
        stored.set(serviceId, new Set(valid.map((c) => `${c.tier}:${c.start}`)))
      }
    },

    /** Writes the chunks that changed and deletes those past retention. */
    async persist(now: number) {
      for (const [serviceId, h] of histories) {
        if (!isSafeId(serviceId) || errors.has(serviceId)) continue
        try {
          const chunks = h.takeDirtyChunks()
          if (chunks.length === 0) continue
          let keys = stored.get(serviceId)
          if (!keys) stored.set(serviceId, (keys = new Set()))
          for (const c of chunks) {
            await deps.store.writeChunk(serviceId, c.tier, c.start, c.chunk)
            keys.add(`${c.tier}:${c.start}`)
          }
          await deps.store.writeOpen(serviceId, h.openBuckets())
          for (const key of [...keys]) {
            const [tier, start] = key.split(':') as [TierName, string]
            if (!h.isExpired(tier, Number(start), now)) continue
            await deps.store.removeChunk(serviceId, tier, Number(start))
            keys.delete(key)
          }
        } catch (err) {
          deps.logger.error({
            msg: 'could not save metrics history',
            serviceId,
            error: String((err as Error)?.message ?? err),
          })
        }
      }
    },

    async forget(serviceId: string) {
      histories.delete(serviceId)
      stored.delete(serviceId)
      errors.delete(serviceId)
      if (isSafeId(serviceId)) await deps.store.remove(serviceId)
    },
  }
}

export type HistoryKeeper = ReturnType<typeof createHistoryKeeper>
