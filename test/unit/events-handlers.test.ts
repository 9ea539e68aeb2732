import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AppError } from '../../src/errors'
import { createLogger } from '../../src/logger'
import { auth, buildTestApp } from '../helpers/app'
import { failingFeed } from '../helpers/failing-feed'
import { openEventStream } from '../helpers/sse-client'
import { listen } from '../helpers/targets'

const built = await buildTestApp({ env: { ZAPIE_SSE_HEARTBEAT_MS: '50' } })
let server: Awaited<ReturnType<typeof listen>>
beforeAll(async () => (server = await listen(built.app)))
afterAll(async () => server.close())

const until = async (check: () => boolean, ms = 2000) => {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 10))
  }
}

describe('GET /api/events', () => {
  it('streams events with ids, names and JSON data, and heartbeats', async () => {
    const stream = await openEventStream(`${server.url}/api/events`, auth)
    expect(stream.response.headers.get('content-type')).toMatch(/text\/event-stream/)
    await until(() => built.hub.subscriberCount() === 1)
    const published = built.hub.publish('service-action', { action: 'start', serviceId: 'svc-1' })
    const got = await stream.waitFor((e) => e.event === 'service-action')
    expect(got.id).toBe(published.id)
    expect(JSON.parse(got.data)).toMatchObject({ action: 'start', serviceId: 'svc-1', timestamp: expect.any(String) })
    const raw = await fetch(`${server.url}/api/events`, { headers: auth })
    const reader = raw.body!.getReader()
    let text = ''
    while (!text.includes(': heartbeat')) text += new TextDecoder().decode((await reader.read()).value)
    await reader.cancel()
    stream.close()
  })

  it('applies type and service filters', async () => {
    const stream = await openEventStream(`${server.url}/api/events?types=health-alert&services=svc-2`, auth)
    await until(() => built.hub.subscriberCount() >= 1)
    built.hub.publish('health-alert', { serviceId: 'svc-1', n: 1 })
    built.hub.publish('service-action', { serviceId: 'svc-2', n: 2 })
    built.hub.publish('health-alert', { serviceId: 'svc-2', n: 3 })
    const got = await stream.waitFor((e) => e.event === 'health-alert')
    expect(JSON.parse(got.data).n).toBe(3)
    expect(stream.received.filter((e) => e.event !== undefined).map((e) => JSON.parse(e.data).n)).toEqual([3])
    stream.close()
  })

  it('refuses unknown event types and filters with 400', async () => {
    expect((await fetch(`${server.url}/api/events?types=bogus`, { headers: auth })).status).toBe(400)
    expect((await fetch(`${server.url}/api/events?services=..%2Fetc`, { headers: auth })).status).toBe(400)
  })

  it('replays from Last-Event-ID so a reconnecting client misses nothing', async () => {
    const first = built.hub.publish('service-action', { n: 'a' })
    built.hub.publish('service-action', { n: 'b' })
    built.hub.publish('service-action', { n: 'c' })
    const stream = await openEventStream(`${server.url}/api/events`, { ...auth, 'last-event-id': first.id })
    await stream.waitFor((e) => e.data.includes('"n":"c"'))
    expect(stream.received.filter((e) => e.event === 'service-action').map((e) => JSON.parse(e.data).n)).toEqual([
      'b',
      'c',
    ])
    stream.close()
  })

  it('starts with a reset event when the id is too old', async () => {
    const stream = await openEventStream(`${server.url}/api/events`, { ...auth, 'last-event-id': 'old-1' })
    const reset = await stream.waitFor((e) => e.event === 'reset')
    expect(JSON.parse(reset.data).reason).toMatch(/refetch/)
    // Like every event, a reset says when.
    expect(Date.parse(JSON.parse(reset.data).timestamp)).toBeGreaterThan(Date.now() - 60_000)
    stream.close()
  })

  it('removes the subscriber when the client goes away', async () => {
    await until(() => built.hub.subscriberCount() === 0)
    const streams = await Promise.all([1, 2, 3].map(() => openEventStream(`${server.url}/api/events`, auth)))
    await until(() => built.hub.subscriberCount() === 3)
    for (const s of streams) s.close()
    await until(() => built.hub.subscriberCount() === 0)
    expect(built.hub.subscriberCount()).toBe(0)
  })

  it('disconnects a client that stops reading', async () => {
    const { hub, app } = await buildTestApp({
      hub: (await import('../../src/events/hub')).createEventHub({ queueLimit: 20 }),
    })
    const srv = await listen(app)
    try {
      const res = await fetch(`${srv.url}/api/events`, { headers: auth })
      await until(() => hub.subscriberCount() === 1)
      // Never read: the socket buffers fill, the hub's queue overflows, the stream is cut.
      const big = 'x'.repeat(64 * 1024)
      for (let i = 0; i < 400 && hub.subscriberCount() > 0; i++) {
        hub.publish('metrics-update', { big })
        await new Promise((r) => setImmediate(r))
      }
      expect(hub.subscriberCount()).toBe(0)
      await res.body?.cancel()
    } finally {
      await srv.close()
    }
  })
})

describe('GET /api/events when the feed fails', () => {
  async function failWith(error: Error) {
    const lines: string[] = []
    const { app } = await buildTestApp({
      events: failingFeed(error),
      logger: createLogger('error', (l) => lines.push(l)),
    })
    const res = await app.request('/api/events', { headers: auth })
    const body = await res.text()
    return { body, logs: lines.map((l) => JSON.parse(l)), requestId: res.headers.get('x-request-id') }
  }

  it('logs the failure with the request id and shows the client only a generic message', async () => {
    const { body, logs, requestId } = await failWith(new Error('ECONNREFUSED 10.0.0.7:2375 secret-path'))
    expect(body).toContain('event: service-action')
    expect(body).toMatch(/event: error\ndata: The stream failed; reconnect to resume\n\n$/)
    expect(body).not.toContain('ECONNREFUSED')
    expect(requestId).toBeTruthy()
    expect(logs).toEqual([
      expect.objectContaining({
        level: 'error',
        msg: 'event stream failed',
        requestId,
        error: expect.stringContaining('ECONNREFUSED'),
      }),
    ])
  })

  it("sends an AppError's own message", async () => {
    const { body } = await failWith(new AppError(503, 'agent_unavailable', 'The host agent is not reachable'))
    expect(body).toMatch(/event: error\ndata: The host agent is not reachable\n\n$/)
  })
})

describe('GET /api/events in-process', () => {
  it('removes the subscriber when the client cancels the body', async () => {
    const { app, hub } = await buildTestApp()
    const responses = await Promise.all([1, 2].map(() => app.request('/api/events', { headers: auth })))
    const readers = responses.map((r) => r.body!.getReader())
    const first = await Promise.all(readers.map((r) => r.read()))
    for (const chunk of first) expect(new TextDecoder().decode(chunk.value)).toContain(': connected')
    expect(hub.subscriberCount()).toBe(2)
    await Promise.all(readers.map((r) => r.cancel()))
    expect(hub.subscriberCount()).toBe(0)
  })

  it('answers HEAD with the stream headers and leaves no subscription behind', async () => {
    const { app, hub } = await buildTestApp()
    for (let i = 0; i < 3; i++) {
      const head = await app.request('/api/events?types=health-alert', { method: 'HEAD', headers: auth })
      expect(head.status).toBe(200)
      expect(head.headers.get('content-type')).toBe('text/event-stream')
      expect(head.headers.get('cache-control')).toBe('no-cache')
      expect(head.body).toBeNull()
    }
    // Nothing will ever read a HEAD answer: a subscription left here would live forever and
    // take every event published from now on into its queue.
    expect(hub.subscriberCount()).toBe(0)
    // A GET whose client aborts still releases its subscription, as before.
    const aborted = new AbortController()
    const get = await app.request('/api/events', { headers: auth, signal: aborted.signal })
    const reader = get.body!.getReader()
    expect(new TextDecoder().decode((await reader.read()).value)).toContain(': connected')
    expect(hub.subscriberCount()).toBe(1)
    // What a runtime does when its client goes: the signal aborts and the body is cancelled.
    aborted.abort()
    await reader.cancel()
    expect(hub.subscriberCount()).toBe(0)
  })
})

describe('POST /api/events/ticket', () => {
  it('issues a single-use ticket that opens the stream without a header', async () => {
    const res = await fetch(`${server.url}/api/events/ticket`, { method: 'POST', headers: auth })
    expect(res.status).toBe(201)
    const { ticket, expiresAt } = await res.json()
    expect(Date.parse(expiresAt)).toBeGreaterThan(Date.now())
    const stream = await openEventStream(`${server.url}/api/events?ticket=${ticket}`)
    expect(stream.response.status).toBe(200)
    stream.close()
    const again = await fetch(`${server.url}/api/events?ticket=${ticket}`)
    expect(again.status).toBe(401)
  })

  it('refuses an expired ticket', async () => {
    let now = Date.now()
    const { app } = await buildTestApp({ clock: { now: () => now } })
    const { ticket } = await (await app.request('/api/events/ticket', { method: 'POST', headers: auth })).json()
    now += 61_000
    expect((await app.request(`/api/events?ticket=${ticket}`)).status).toBe(401)
  })

  it('does not let a ticket open any other route', async () => {
    const { ticket } = await (await fetch(`${server.url}/api/events/ticket`, { method: 'POST', headers: auth })).json()
    expect((await fetch(`${server.url}/api/services?ticket=${ticket}`)).status).toBe(401)
  })
})
