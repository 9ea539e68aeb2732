import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { describe, expect, it } from 'vitest'
import { createEventHub } from '../../src/events/hub'
import type { FeedItem } from '../../src/events/types'

async function take(items: AsyncIterable<FeedItem>, n: number): Promise<FeedItem[]> {
  const out: FeedItem[] = []
  for await (const item of items) {
    out.push(item)
    if (out.length === n) break
  }
  return out
}

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

const ids = (items: FeedItem[]) => items.map((i) => (i.kind === 'event' ? i.event.data.n : 'reset'))

describe('event hub', () => {
  it('gives increasing ids and an ISO timestamp to every event', () => {
    const hub = createEventHub()
    const a = hub.publish('service-action', { n: 1 })
    const b = hub.publish('service-action', { n: 2 })
    expect(Number(b.id.split('-')[1])).toBe(Number(a.id.split('-')[1]) + 1)
    expect(new Date(a.data.timestamp).toISOString()).toBe(a.data.timestamp)
  })

  it('replays what a client missed after its Last-Event-ID, then goes live', async () => {
    const hub = createEventHub()
    const first = hub.publish('service-action', { n: 1 })
    hub.publish('service-action', { n: 2 })
    hub.publish('service-action', { n: 3 })
    const ac = new AbortController()
    const items = hub.subscribe({ lastEventId: first.id, signal: ac.signal })
    const pending = take(items, 3)
    hub.publish('service-action', { n: 4 })
    expect(ids(await pending)).toEqual([2, 3, 4])
    ac.abort()
  })

  it('starts with a reset when the id is older than the buffer, from another run, or malformed', async () => {
    const hub = createEventHub({ bufferSize: 2 })
    const old = hub.publish('service-action', { n: 1 })
    for (let n = 2; n <= 5; n++) hub.publish('service-action', { n })
    for (const lastEventId of [old.id, 'zzz-3', 'garbage', `${old.id.split('-')[0]}-999`]) {
      const ac = new AbortController()
      const [first] = await take(hub.subscribe({ lastEventId, signal: ac.signal }), 1)
      expect(first?.kind).toBe('reset')
      ac.abort()
    }
  })

  it('gives a client reconnecting with the newest id nothing to replay and no reset', async () => {
    // Every idle EventSource reconnects this way after a dropped connection.
    const hub = createEventHub()
    hub.publish('service-action', { n: 1 })
    const newest = hub.publish('service-action', { n: 2 })
    const ac = new AbortController()
    const items = hub.subscribe({ lastEventId: newest.id, signal: ac.signal })
    const pending = take(items, 1)
    hub.publish('service-action', { n: 3 })
    expect(ids(await pending)).toEqual([3])
    ac.abort()
  })

  it('replays the whole buffer for the id just before its oldest event, and resets one earlier', async () => {
    const hub = createEventHub({ bufferSize: 3 })
    const published = [1, 2, 3, 4, 5].map((n) => hub.publish('service-action', { n }))
    // The buffer holds 3, 4, 5: an id of 2 missed nothing that is gone, an id of 1 missed 2.
    const ac = new AbortController()
    expect(ids(await take(hub.subscribe({ lastEventId: published[1]!.id, signal: ac.signal }), 3))).toEqual([3, 4, 5])
    const [first, ...rest] = await take(hub.subscribe({ lastEventId: published[0]!.id, signal: ac.signal }), 1)
    expect(first?.kind).toBe('reset')
    expect(rest).toEqual([])
    ac.abort()
  })

  it('resets a client with a stale id and a filter instead of failing', async () => {
    const hub = createEventHub({ bufferSize: 2 })
    const old = hub.publish('health-alert', { n: 1, serviceId: 'svc-a' })
    for (let n = 2; n <= 5; n++) hub.publish('health-alert', { n, serviceId: 'svc-a' })
    const ac = new AbortController()
    const items = hub.subscribe({
      lastEventId: old.id,
      filter: { types: ['health-alert'], services: ['svc-a'] },
      signal: ac.signal,
    })
    const pending = take(items, 2)
    hub.publish('service-action', { n: 6, serviceId: 'svc-a' })
    hub.publish('health-alert', { n: 7, serviceId: 'svc-b' })
    hub.publish('health-alert', { n: 8, serviceId: 'svc-a' })
    expect(ids(await pending)).toEqual(['reset', 8])
    ac.abort()
  })

  it('encodes each event once: every subscriber and every replay gets the same bytes', async () => {
    const hub = createEventHub()
    const ac = new AbortController()
    const subs = [
      hub.subscribe({ signal: ac.signal }),
      hub.subscribe({ signal: ac.signal }),
      hub.subscribe({ filter: { types: ['service-action'] }, signal: ac.signal }),
    ]
    const pending = subs.map((s) => take(s, 1))
    const event = hub.publish('service-action', { n: 1, note: 'two\nlines' })
    const got = (await Promise.all(pending)).map(([item]) => item!)
    const [replayed] = await take(hub.subscribe({ lastEventId: `${event.id.split('-')[0]}-0`, signal: ac.signal }), 1)
    for (const item of [...got, replayed!]) expect(item.frame).toBe(got[0]!.frame)
    expect(new TextDecoder().decode(got[0]!.frame)).toBe(
      `id: ${event.id}\nevent: service-action\ndata: ${JSON.stringify(event.data)}\n\n`,
    )
    ac.abort()
  })

  it('keeps the timestamp an event already carries (when it happened, not when it was published)', () => {
    const hub = createEventHub()
    const event = hub.publish('container-event', { n: 1, timestamp: '2026-01-02T03:04:05.000Z' })
    expect(event.data.timestamp).toBe('2026-01-02T03:04:05.000Z')
  })

  it('replays to a filtered client only the missed events its filter lets through', async () => {
    const hub = createEventHub()
    const first = hub.publish('service-action', { n: 1, serviceId: 'a' })
    hub.publish('service-action', { n: 2, serviceId: 'b' })
    hub.publish('health-alert', { n: 3, serviceId: 'a' })
    hub.publish('service-action', { n: 4, serviceId: 'a' })
    const ac = new AbortController()
    const items = hub.subscribe({
      lastEventId: first.id,
      signal: ac.signal,
      filter: { types: ['service-action'], services: ['a'] },
    })
    const pending = take(items, 2)
    hub.publish('service-action', { n: 5, serviceId: 'a' })
    expect(ids(await pending)).toEqual([4, 5])
    ac.abort()
  })

  it('filters by type, by service (id or container id prefix) and by deployment', async () => {
    const hub = createEventHub()
    const ac = new AbortController()
    const byType = hub.subscribe({ filter: { types: ['health-alert'] }, signal: ac.signal })
    const byService = hub.subscribe({ filter: { services: ['svc-a', 'abcdef012345'] }, signal: ac.signal })
    const byDeploy = hub.subscribe({ filter: { deploymentId: 'd1' }, signal: ac.signal })
    hub.publish('service-action', { n: 1, serviceId: 'svc-b' })
    hub.publish('health-alert', { n: 2, serviceId: 'svc-a' })
    hub.publish('metrics-update', { n: 3, containerId: 'abcdef0123456789' })
    hub.publish('deployment-progress', { n: 4, deploymentId: 'd1' })
    const [t, s, d] = await Promise.all([take(byType, 1), take(byService, 2), take(byDeploy, 1)])
    expect(ids(t)).toEqual([2])
    expect(ids(s)).toEqual([2, 3])
    expect(ids(d)).toEqual([4])
    ac.abort()
  })

  it('removes a subscriber when its signal aborts or its iteration ends', async () => {
    const hub = createEventHub()
    const ac = new AbortController()
    hub.subscribe({ signal: ac.signal })
    const other = hub.subscribe({ signal: new AbortController().signal })
    expect(hub.subscriberCount()).toBe(2)
    ac.abort()
    expect(hub.subscriberCount()).toBe(1)
    hub.publish('service-action', { n: 1 })
    await take(other, 1) // break ends the iteration
    expect(hub.subscriberCount()).toBe(0)
  })

  it('drops a subscriber that stops reading instead of buffering without bound', () => {
    const hub = createEventHub({ queueLimit: 10 })
    let overflowed = 0
    hub.subscribe({ signal: new AbortController().signal, onOverflow: () => overflowed++ })
    for (let n = 0; n < 50; n++) hub.publish('metrics-update', { n })
    expect(overflowed).toBe(1)
    expect(hub.subscriberCount()).toBe(0)
  })

  it('ends every subscription on close', async () => {
    const hub = createEventHub()
    const items = hub.subscribe({ signal: new AbortController().signal })
    hub.close()
    expect(await take(items, 1)).toEqual([])
    expect(hub.subscriberCount()).toBe(0)
  })

  it('hands items to a polling subscriber one at a time, waking it once when one arrives', () => {
    const hub = createEventHub()
    const missed = hub.publish('service-action', { n: 1 })
    const sub = hub.subscribe({ lastEventId: `${missed.id.split('-')[0]}-0` })
    let woken = 0
    const wake = () => woken++
    const poll = () => {
      const item = sub.poll!(wake)
      return item && (item.kind === 'event' ? item.event.data.n : 'reset')
    }
    expect(poll()).toBe(1) // the replay first
    expect(poll()).toBeUndefined()
    hub.publish('service-action', { n: 2 })
    hub.publish('service-action', { n: 3 })
    expect(woken).toBe(1)
    expect([poll(), poll(), poll()]).toEqual([2, 3, undefined])
    hub.close()
    expect(woken).toBe(2)
    expect(poll()).toBeNull()
    expect(hub.subscriberCount()).toBe(0)
  })

  it('keeps no filter object for a subscriber whose filter selects nothing, and still filters the others', async () => {
    const hub = createEventHub()
    let collected = 0
    // Not WeakRef: V8 keeps a WeakRef's target alive for the rest of the job that made it.
    const registry = new FinalizationRegistry(() => collected++)
    const subscribe = (filter: { types?: string[]; services?: string[]; deploymentId?: string }) => {
      registry.register(filter, null)
      return hub.subscribe({ filter })
    }
    const everything = [subscribe({}), subscribe({ types: [], services: [], deploymentId: '' })]
    const health = subscribe({ types: ['health-update'] })
    for (let i = 0; i < 5 && collected < 2; i++) {
      gc()
      await new Promise((r) => setTimeout(r, 10))
    }
    // What GET /api/events passes without query parameters lives no longer than the request.
    expect(collected).toBe(2)
    hub.publish('service-action', { n: 1 })
    hub.publish('health-update', { n: 2 })
    for (const sub of everything) expect(ids(await take(sub, 2))).toEqual([1, 2])
    expect(ids(await take(health, 1))).toEqual([2])
  })

  it('keeps an idle subscriber, waiting as the Node listener waits, in a few hundred bytes', () => {
    // An idle SSE connection is mostly its subscription: at thousands of clients this is the
    // server's memory per connection (issue #13: ≤ 1.3× a plain node:http SSE server).
    const hub = createEventHub()
    const noop = () => {}
    const n = 5000
    const held: unknown[] = []
    const heap = () => {
      for (let i = 0; i < 3; i++) gc()
      return process.memoryUsage().heapUsed
    }
    const before = heap()
    for (let i = 0; i < n; i++) {
      // What GET /api/events passes when the client set no filter.
      const sub = hub.subscribe({ filter: { types: undefined, services: undefined }, onOverflow: noop })
      if (sub.poll) sub.poll(noop)
      else void sub[Symbol.asyncIterator]().next().then(noop)
      held.push(sub)
    }
    const perSubscriber = (heap() - before) / n
    expect(hub.subscriberCount()).toBe(n)
    expect(held).toHaveLength(n)
    expect(perSubscriber).toBeLessThan(400)
    hub.close()
  })
})
