import { dockerUnavailable, notFound } from '../errors'
import type { ServiceDetails, ServiceSummary } from '../schemas/service'
import { ServiceRef } from '../schemas/service'
import type { Inventory, InventoryEntry } from './monitor/inventory'
import type { MonitorQueries } from './monitor/monitor'
import { byRunningThenNewest, toDetails, toSummary } from './services'
import { statusText } from './status-text'

/**
 * `GET /api/services` and `GET /api/services/:id` answered from the agent's inventory: the list
 * rows and inspects it keeps current from Docker's events and its resync, not a Docker call per
 * request. Details (env, mounts, command) come from the cached inspect, which an event about the
 * container invalidates and the next read or refresh takes again.
 */
export interface ServiceReadsDeps {
  monitor: Pick<MonitorQueries, 'current' | 'find' | 'isDockerReachable' | 'listedAt'>
  inventory: Pick<Inventory, 'entries' | 'size' | 'inspectNow'>
}

export function createServiceReads({ monitor, inventory }: ServiceReadsDeps, now: () => number) {
  // A summary is rebuilt only when its row, its inspect or its status text changed: building one
  // (ports, redacted labels) for every service on every list was most of the list's cost. The
  // text counts whole seconds at the finest, so within one wall-clock second it is not worked
  // out again (at most a second behind; parsing every inspect's times per list cost more than
  // the rest of a list read).
  const built = new WeakMap<
    InventoryEntry,
    { row: unknown; inspect: unknown; second: number; status: string; summary: ServiceSummary }
  >()
  const summaryOf = (e: InventoryEntry): ServiceSummary => {
    const at = now()
    const second = Math.floor(at / 1000)
    const last = built.get(e)
    if (last && last.row === e.row && last.inspect === e.inspect && last.second === second) return last.summary
    const status = e.inspect ? statusText(e.inspect.State, at) : e.row.Status
    if (last && last.row === e.row && last.inspect === e.inspect && last.status === status) {
      last.second = second
      return last.summary
    }
    const summary = toSummary({ ...e.row, Status: status })
    built.set(e, { row: e.row, inspect: e.inspect, second, status, summary })
    return summary
  }

  // The last list, in inventory order and as sorted.
  let last: { summaries: ServiceSummary[]; list: ServiceSummary[] } = { summaries: [], list: [] }
  const details = new WeakMap<InventoryEntry, { summary: ServiceSummary; inspect: unknown; details: ServiceDetails }>()

  // Never a list that was never read, shown as "no services".
  const readable = () => {
    if (monitor.listedAt() === null && !monitor.isDockerReachable()) throw dockerUnavailable()
  }
  // Not async: a read of a current inventory awaits the monitor's settled promise and nothing else.
  const current = (): Promise<void> => monitor.current().then(readable)

  return {
    async listServices(): Promise<ServiceSummary[]> {
      await current()
      if (!monitor.isDockerReachable()) throw dockerUnavailable()
      const entries = inventory.entries()
      const summaries = entries.map(summaryOf)
      // Nothing changed since the last list (each entry the same summary): the same array, not
      // sorted again, so the API can keep its serialised text with it.
      if (summaries.length === last.summaries.length && summaries.every((s, i) => s === last.summaries[i]))
        return last.list
      // Docker's list is newest first to the nanosecond; the summary's time is to the second, so
      // two services created in one second are ordered by the inspect's precise time.
      const sorted = entries.map((e, i) => ({ summary: summaries[i]!, at: preciseCreated(e) }))
      sorted.sort((a, b) => byRunningThenNewest(a.summary, b.summary) || (a.at < b.at ? 1 : a.at > b.at ? -1 : 0))
      last = { summaries, list: sorted.map((e) => e.summary) }
      return last.list
    },

    async getService(ref: string): Promise<ServiceDetails> {
      if (!ServiceRef.safeParse(ref).success) throw notFound('service', ref)
      await current()
      const entry = await monitor.find(ref)
      if (!entry) {
        if (!monitor.isDockerReachable()) throw dockerUnavailable()
        throw notFound('service', ref)
      }
      // Inspected at the last refresh unless that inspect failed: take it now.
      if (!entry.inspect) await inventory.inspectNow(entry)
      if (!entry.inspect) throw notFound('service', ref)
      // Rebuilt (env and command redacted) only when the summary or the inspect changed.
      const summary = summaryOf(entry)
      const last = details.get(entry)
      if (last && last.summary === summary && last.inspect === entry.inspect) return last.details
      const built = toDetails(summary, entry.inspect)
      details.set(entry, { summary, inspect: entry.inspect, details: built })
      return built
    },

    /** How many services there are, for the health check's counts. */
    async managedCount(): Promise<number> {
      await current()
      return inventory.size()
    },
  }
}

/** The creation time as a sortable string: whole seconds, then the nanoseconds Docker gives. */
function preciseCreated(e: InventoryEntry): string {
  const match = /\.(\d+)Z$/.exec(e.inspect?.Created ?? '')
  return `${String(e.created).padStart(12, '0')}.${(match?.[1] ?? '').padEnd(9, '0')}`
}
