import type { Clock } from '../../clock'
import type { Logger } from '../../logger'
import type { Inventory } from './inventory'

/**
 * Keeps the inventory in step with Docker: full container-list refreshes, one at a time, which
 * also tell whether Docker answers; and the single-container refreshes that docker events ask
 * for, which a read waits for so it never shows a state older than an event it could have seen.
 */
export function createInventorySync(
  inventory: Pick<Inventory, 'refresh' | 'refreshOne' | 'markStale'>,
  deps: { logger: Logger; clock: Clock },
) {
  const { logger, clock } = deps
  let reachable = true
  let refreshing: Promise<void> | null = null
  // One refresh at a time per container, so an older answer (create) never lands after a newer
  // one (start); an event arriving meanwhile makes it look once more.
  const eventRefreshes = new Map<string, { done: Promise<void>; again: boolean }>()

  return {
    /** One container-list refresh at a time; a caller arriving meanwhile shares it. */
    refresh(): Promise<void> {
      refreshing ??= inventory
        .refresh(clock.now())
        .then(() => {
          if (!reachable) logger.info({ msg: 'monitor: Docker answers again' })
          reachable = true
        })
        .catch((err) => {
          if (reachable)
            logger.warn({ msg: 'monitor: Docker is not reachable', error: String((err as Error)?.message ?? err) })
          reachable = false
        })
        .finally(() => {
          refreshing = null
        })
      return refreshing
    },

    /** Whether the last container-list refresh reached Docker. */
    reachable: () => reachable,

    /** A docker event about the container: its entry is stale until it has been looked at again. */
    onEvent(containerId: string) {
      inventory.markStale(containerId)
      const known = eventRefreshes.get(containerId)
      if (known) {
        known.again = true
        return
      }
      const run = { done: Promise.resolve(), again: true }
      run.done = (async () => {
        while (run.again) {
          run.again = false
          // Docker went away mid-refresh: the entry stays stale and the next resync takes it.
          await inventory.refreshOne(containerId).catch(() => {})
        }
        eventRefreshes.delete(containerId)
      })()
      eventRefreshes.set(containerId, run)
    },

    /** Whether refreshes that events asked for are still under way (reads check before awaiting). */
    pending: () => eventRefreshes.size > 0,

    /** Resolves once the refreshes events asked for so far have landed. */
    async settled(): Promise<void> {
      await Promise.all([...eventRefreshes.values()].map((r) => r.done))
    },
  }
}

export type InventorySync = ReturnType<typeof createInventorySync>
