import { createHook } from 'node:async_hooks'
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { serve, type ServerType } from '@hono/node-server'
import { afterEach, describe, expect, it } from 'vitest'
import { createEventHub } from '../../src/events/hub'
import { listenOrExit } from '../../src/listen'
import { createLogger } from '../../src/logger'
import { auth, buildTestApp } from '../helpers/app'
import { failingFeed } from '../helpers/failing-feed'

/**
 * `npm start`'s listener (src/listen.ts) writes event streams straight to Node's ServerResponse
 * (src/node-sse.ts) instead of through @hono/node-server reading the web body: the client must
 * not see a difference, and the server must hold no web stream per connection.
 */
setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

const servers: ServerType[] = []
afterEach(async () => {
  for (const s of servers.splice(0)) {
    ;(s as { closeAllConnections?: () => void }).closeAllConnections?.()
    await new Promise((r) => s.close(r))
  }
})

type App = { fetch: (req: Request, env?: unknown) => Response | Promise<Response> }

/** The app as `npm start` serves it. */
async function startNode(app: App) {
  const server = await listenOrExit(
    { port: 0, host: '127.0.0.1', portVariable: 'PORT', hostVariable: 'HOST' },
    Promise.resolve(app),
  )
  servers.push(server)
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

/** The app through @hono/node-server alone: the adapter reads the web body. */
async function startWeb(app: App) {
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s))
  })
  servers.push(server)
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

/** A raw HTTP/1.1 GET: the response head as sent and every body byte, as text. */
function rawGet(url: string, headers: Record<string, string>, method = 'GET') {
  return new Promise<{ res: IncomingMessage; text: () => string; close: () => void; ended: Promise<void> }>(
    (resolve, reject) => {
      const req = httpRequest(url, { method, headers, agent: false }, (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => (text += chunk))
        const ended = new Promise<void>((r) => res.once('close', () => r()))
        resolve({ res, text: () => text, close: () => req.destroy(), ended })
      })
      req.on('error', reject)
      req.end()
    },
  )
}

const until = async (check: () => boolean, ms = 3000) => {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 5))
  }
}

/** The head minus the values that differ per response by nature (date, request id, requests left). */
const comparableHead = (res: IncomingMessage) => {
  const lines: string[] = []
  for (let i = 0; i < res.rawHeaders.length; i += 2) {
    const name = res.rawHeaders[i]!.toLowerCase()
    const perResponse = name === 'date' || name === 'x-request-id' || name === 'ratelimit-remaining'
    const value = perResponse ? '…' : res.rawHeaders[i + 1]!
    lines.push(`${name}: ${value}`)
  }
  return { status: res.statusCode, lines }
}

describe("npm start's event streams", () => {
  it('send the same status, headers and bytes as through the web body, heartbeats included', async () => {
    const origin = 'https://dash.example'
    const { app, hub } = await buildTestApp({
      env: { ZAPIE_CORS_ORIGINS: origin, ZAPIE_SSE_HEARTBEAT_MS: '150' },
    })
    const first = hub.publish('service-action', { serviceId: 'svc-1', n: 1 })
    hub.publish('service-action', { serviceId: 'svc-1', n: 2 })
    const headers = { ...auth, origin, 'last-event-id': first.id }
    const urls = [await startWeb(app), await startNode(app)]
    const streams = await Promise.all(urls.map((u) => rawGet(`${u}/api/events?services=svc-1`, headers)))
    await until(() => streams.every((s) => s.text().includes(': connected')))
    hub.publish('service-action', { serviceId: 'svc-1', n: 3, text: 'two\nlines' })
    hub.publish('service-action', { serviceId: 'svc-2', n: 4 })
    hub.publish('deployment-progress', { serviceId: 'svc-1', n: 5 })
    await until(() => streams.every((s) => s.text().includes('"n":5')))
    // Both sides keep the same heartbeat interval; compare the frames, then that both beat.
    await until(() => streams.every((s) => s.text().includes(': heartbeat')), 3000)
    const frames = streams.map((s) => s.text().replaceAll(': heartbeat\n\n', ''))
    for (const s of streams) s.close()

    const [web, node] = streams.map((s) => comparableHead(s.res))
    expect(node).toEqual(web)
    expect(web!.lines).toEqual(
      expect.arrayContaining([
        'content-type: text/event-stream',
        'cache-control: no-cache',
        `access-control-allow-origin: ${origin}`,
        'access-control-allow-credentials: true',
        'x-request-id: …',
      ]),
    )
    expect(frames[1]).toBe(frames[0])
    expect(frames[0]).toContain('retry: 2000\n: connected\n\n')
    expect(frames[0]).toMatch(/"n":2.*"n":3.*"n":5/s)
    expect(frames[0]).toContain('data: {"serviceId":"svc-1","n":3,"text":"two\\nlines"')
    expect(frames[0]).not.toContain('"n":4')
    await until(() => hub.subscriberCount() === 0)
  })

  it('hold neither the web body nor the Response of an open stream, and still deliver', async () => {
    const { app, hub } = await buildTestApp()
    let answered = 0
    let collected = 0
    // Not WeakRef: V8 keeps a WeakRef's target alive for the rest of the job that made it.
    const registry = new FinalizationRegistry(() => collected++)
    const url = await startNode({
      fetch: async (req, env) => {
        const res = await app.fetch(req, env)
        if (res.body) {
          answered++
          registry.register(res.body, null)
        }
        return res
      },
    })
    const streams = await Promise.all([1, 2, 3].map(() => rawGet(`${url}/api/events`, auth)))
    await until(() => streams.every((s) => s.text().includes(': connected')))
    for (let i = 0; i < 5 && collected < 3; i++) {
      gc()
      await new Promise((r) => setTimeout(r, 20))
    }
    expect(answered).toBe(3)
    // Through the adapter each open stream keeps its web body (and what hangs off it) alive.
    expect(collected).toBe(3)
    hub.publish('service-action', { n: 'after-gc' })
    await until(() => streams.every((s) => s.text().includes('"n":"after-gc"')))
    expect(hub.subscriberCount()).toBe(3)
    streams[0]!.close()
    await until(() => hub.subscriberCount() === 2)
    for (const s of streams) s.close()
    await until(() => hub.subscriberCount() === 0)
  })

  it("keep no copy of the sent headers on an open stream's response, and still deliver and end", async () => {
    // Node kept each header the middleware set as a [name, value] pair for the stream's life.
    const { app, hub } = await buildTestApp()
    const responses: ServerResponse[] = []
    const url = await startNode({
      fetch: (req, env) => {
        responses.push((env as { outgoing: ServerResponse }).outgoing)
        return app.fetch(req, env)
      },
    })
    const stream = await rawGet(`${url}/api/events`, auth)
    await until(() => stream.text().includes(': connected'))
    expect(stream.res.headers['x-request-id']).toMatch(/.+/)
    expect(stream.res.headers['ratelimit-limit']).toMatch(/^\d+$/)
    expect(responses).toHaveLength(1)
    expect(responses[0]!.getHeaderNames()).toEqual([])
    hub.publish('service-action', { n: 'still-delivered' })
    await until(() => stream.text().includes('"n":"still-delivered"'))
    stream.close()
    await until(() => hub.subscriberCount() === 0)
  })

  it('deliver to waiting streams without making a promise per frame', async () => {
    // Each idle stream used to wait on a parked promise chain (queue → frame → write): three
    // promises per frame per client, and three held by every idle connection.
    const { app, hub } = await buildTestApp()
    const url = await startNode(app)
    const streams = await Promise.all(Array.from({ length: 20 }, () => rawGet(`${url}/api/events`, auth)))
    await until(() => streams.every((s) => s.text().includes(': connected')))
    let promises = 0
    const hook = createHook({ init: (_id, type) => void (type === 'PROMISE' && promises++) }).enable()
    for (let n = 0; n < 10; n++) hub.publish('service-action', { n })
    // The frames go out in this time (one promise for the wait itself).
    await new Promise((r) => setTimeout(r, 200))
    hook.disable()
    await until(() => streams.every((s) => s.text().includes('"n":9')))
    for (const s of streams) expect(s.text().match(/"n":\d/g)).toEqual(Array.from({ length: 10 }, (_, n) => `"n":${n}`))
    // 200 frames written; what promises there are belong to publishing, not to each stream.
    expect(promises).toBeLessThan(20)
    for (const s of streams) s.close()
    await until(() => hub.subscriberCount() === 0)
  })

  it('release the subscription of a HEAD request, which has no body to stream', async () => {
    const { app, hub } = await buildTestApp()
    const url = await startNode(app)
    for (let i = 0; i < 3; i++) {
      const head = await rawGet(`${url}/api/events`, auth, 'HEAD')
      expect(head.res.statusCode).toBe(200)
      expect(head.res.headers['content-type']).toBe('text/event-stream')
      await head.ended
    }
    await until(() => hub.subscriberCount() === 0)
  })

  it('keep a server-side buffer of about one frame for a client that stops reading, then drop it', async () => {
    const { hub, app } = await buildTestApp({ hub: createEventHub({ queueLimit: 20 }) })
    const url = await startNode(app)
    let buffered = 0
    servers[0]!.on('request', (_req, res) => {
      const probe = setInterval(() => (buffered = Math.max(buffered, res.writableLength)), 1)
      res.once('close', () => clearInterval(probe))
    })
    const client = await rawGet(`${url}/api/events`, auth)
    await until(() => client.text().includes(': connected'))
    client.res.pause()
    const big = 'x'.repeat(64 * 1024)
    let published = 0
    for (; published < 1000 && hub.subscriberCount() > 0; published++) {
      hub.publish('metrics-update', { big })
      await new Promise((r) => setImmediate(r))
    }
    // Dropped once its 20-event allowance filled, not after everything went into memory.
    expect(hub.subscriberCount()).toBe(0)
    expect(published).toBeLessThan(1000)
    expect(buffered).toBeLessThan(4 * big.length)
    client.res.resume()
    await client.ended
    expect(client.text().length).toBeLessThan(published * big.length)
  })

  it('log a failing feed with the request id and show the client a generic message', async () => {
    const lines: string[] = []
    const { app } = await buildTestApp({
      events: failingFeed(new Error('ECONNREFUSED 10.0.0.7:2375')),
      logger: createLogger('error', (l) => lines.push(l)),
    })
    const url = await startNode(app)
    const stream = await rawGet(`${url}/api/events`, auth)
    await stream.ended
    expect(stream.text()).toMatch(
      /^retry: 2000\n: connected\n\nid: e-1\nevent: service-action\ndata: \{"n":1\}\n\nevent: error\ndata: The stream failed; reconnect to resume\n\n$/,
    )
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      expect.objectContaining({
        msg: 'event stream failed',
        requestId: stream.res.headers['x-request-id'],
        error: expect.stringContaining('ECONNREFUSED'),
      }),
    ])
  })
})
