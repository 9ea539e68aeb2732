import type { MonitorOptions } from '../../src/agent/monitor/monitor-options'
import type { EventFeed } from '../../src/events/types'

/** Seconds, not minutes: sub-second ticks, two samples to fire, short graces. */
export const FAST: Partial<MonitorOptions> = {
  defaultIntervalMs: 500,
  alertDefaults: { consecutiveSamples: 2 },
  deathGraceMs: 1000,
  removalGraceMs: 1000,
  eventRefreshDelayMs: 50,
}

export const BUSY_CMD = ['sh', '-c', 'while :; do :; done']

export async function until<T>(
  fn: () => Promise<T | undefined | false>,
  timeoutMs = 15_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await fn()
    if (value) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

/** Collects events of one service from the app's feed (the hub, or the relay of a remote agent). */
export function collect(feed: EventFeed, serviceId: string, types: string[]) {
  const ac = new AbortController()
  const items: { type: string; data: Record<string, unknown> }[] = []
  void (async () => {
    for await (const item of feed.subscribe({ signal: ac.signal, filter: { types, services: [serviceId] } })) {
      if (item.kind === 'event') items.push({ type: item.event.type, data: item.event.data })
    }
  })()
  const of = (type: string, pred: (d: Record<string, unknown>) => boolean = () => true) =>
    items.filter((e) => e.type === type && pred(e.data))
  return {
    items,
    of,
    waitFor: (type: string, pred: (d: Record<string, unknown>) => boolean, timeoutMs = 15_000) =>
      until(async () => of(type, pred)[0]?.data, timeoutMs, `${type} of ${serviceId}`),
    /** Waits for `n` more events of a type: `n` more ticks of this service. */
    async ticks(n: number, type = 'health-update', timeoutMs = 15_000) {
      const start = of(type).length
      await until(async () => of(type).length >= start + n, timeoutMs, `${n} ${type} of ${serviceId}`)
      return of(type)
        .slice(start)
        .map((e) => e.data)
    },
    stop: () => ac.abort(),
  }
}
