import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { serve, type ServerType } from '@hono/node-server'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config'
import { createNodeStores } from '../../src/node-stores'
import { withNodeEventStreams } from '../../src/node-sse'
import { auth, buildTestApp, TEST_TOKEN } from '../helpers/app'
import { launchBrowser } from '../helpers/browser'
import { fakeService } from '../helpers/fake-agent'
import { startTcpProxy } from '../helpers/tcp-proxy'

/**
 * The dashboard's way of following events, in a real browser, cross-origin: sign in with
 * `POST /api/session`, then a plain `new EventSource(url, { withCredentials: true })` — no
 * reconnect code of its own — through a network cut and a restart of the API.
 */
const PAGE = `<!doctype html><meta charset="utf-8"><title>events</title><script>
window.seen = []; window.opens = 0; window.errors = 0
window.follow = async (api, token) => {
  const res = await fetch(api + '/api/session', { method: 'POST', credentials: 'include',
    headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) })
  window.csrf = (await res.json()).csrfToken
  const events = new EventSource(api + '/api/events?types=service-action', { withCredentials: true })
  events.onopen = () => window.opens++
  events.onerror = () => window.errors++
  events.addEventListener('service-action', (e) => seen.push({ id: e.lastEventId, ...JSON.parse(e.data) }))
  events.addEventListener('reset', () => seen.push({ reset: true }))
  window.events = events
}
window.act = (api, path) => fetch(api + path, { method: 'POST', credentials: 'include', headers: { 'x-csrf-token': window.csrf } })
  .then((r) => r.status)
</script>`

const dataDir = mkdtempSync(join(tmpdir(), 'zapie-browser-'))
let page: Page
let pageServer: Server
let pageOrigin: string
let browser: Awaited<ReturnType<typeof launchBrowser>>
let proxy: Awaited<ReturnType<typeof startTcpProxy>>
let api: Awaited<ReturnType<typeof startApi>>

/** The API on a real HTTP server with the fs store under `dataDir`; a restart keeps both. */
async function startApi(port: number) {
  const env = { ZAPIE_STORAGE: 'fs', ZAPIE_DATA_DIR: dataDir, ZAPIE_CORS_ORIGINS: pageOrigin, ZAPIE_RATE_LIMIT: '0' }
  const stores = await createNodeStores(loadConfig({ ZAPIE_API_TOKEN: TEST_TOKEN, ...env }))
  const built = await buildTestApp({ env, stores, services: [fakeService('zapie-web-1')] })
  const server = await new Promise<ServerType>((resolve) => {
    // As `npm start` serves it (src/listen.ts): event streams written straight to the socket.
    const s = serve({ fetch: withNodeEventStreams(built.app.fetch), port, hostname: '127.0.0.1' }, () => resolve(s))
  })
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url,
    port: (server.address() as AddressInfo).port,
    hub: built.hub,
    /** A real API action; the agent publishes `service-action` (in-progress, completed) for it. */
    act: async (action: 'start' | 'stop') => {
      const res = await fetch(`${url}/api/services/zapie-web-1/${action}`, { method: 'POST', headers: auth })
      expect(res.status).toBe(200)
    },
    close: async () => {
      built.hub.close()
      await new Promise<void>((resolve) => {
        ;(server as { closeAllConnections?: () => void }).closeAllConnections?.()
        server.close(() => resolve())
      })
      await stores.close()
    },
  }
}

const seen = () => page.evaluate(() => (window as unknown as { seen: Record<string, unknown>[] }).seen)
const counter = (name: 'opens' | 'errors') =>
  page.evaluate((n) => (window as unknown as Record<string, number>)[n]!, name)
const readyState = () => page.evaluate(() => (window as unknown as { events: EventSource }).events.readyState)

async function until<T>(what: string, read: () => Promise<T>, ok: (value: T) => boolean, ms = 15_000): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const value = await read()
    if (ok(value)) return value
    if (Date.now() > end) throw new Error(`${what}: not in ${ms} ms (last: ${JSON.stringify(value)})`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

beforeAll(async () => {
  pageServer = createServer((_, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE))
  await new Promise<void>((resolve) => pageServer.listen(0, '127.0.0.1', resolve))
  pageOrigin = `http://127.0.0.1:${(pageServer.address() as AddressInfo).port}`
  api = await startApi(0)
  proxy = await startTcpProxy(api.port)
  browser = await launchBrowser()
  page = await browser.context.newPage()
  await page.goto(`${pageOrigin}/`)
})

afterAll(async () => {
  await browser?.close()
  await proxy?.close()
  await api?.close()
  await new Promise((resolve) => pageServer?.close(resolve))
  rmSync(dataDir, { recursive: true, force: true })
})

describe('EventSource with the session cookie, in Chromium, cross-origin', () => {
  it('signs in, follows events and acts by cookie with the CSRF token', async () => {
    expect(new URL(proxy.url).origin).not.toBe(pageOrigin)
    await page.evaluate(
      ([url, token]) => (window as unknown as { follow: (a: string, t: string) => Promise<void> }).follow(url!, token!),
      [proxy.url, TEST_TOKEN],
    )
    await until(
      'the stream opens',
      () => counter('opens'),
      (n) => n === 1,
    )
    const status = await page.evaluate(
      (url) =>
        (window as unknown as { act: (a: string, p: string) => Promise<number> }).act(
          url,
          '/api/services/zapie-web-1/stop',
        ),
      proxy.url,
    )
    expect(status).toBe(200)
    const events = await until('the stop events arrive', seen, (s) => s.length === 2)
    expect(events.map((e) => [e.action, e.status])).toEqual([
      ['stop', 'in-progress'],
      ['stop', 'completed'],
    ])
  })

  it('resumes by itself after a network cut, with every event published during the cut', async () => {
    const before = (await seen()).length
    const opens = await counter('opens')
    proxy.cut()
    await until(
      'the browser notices the cut',
      () => counter('errors'),
      (n) => n >= 1,
    )
    await api.act('start')
    await api.act('stop')
    // Long enough for the browser's own retries (every 2 s) to fail against the cut.
    await new Promise((r) => setTimeout(r, 4500))
    expect((await seen()).length).toBe(before)
    // It went on retrying by itself (every 2 s, no back-off), so a longer cut ends the same way.
    expect(await counter('errors')).toBeGreaterThanOrEqual(3)
    proxy.restore()
    const events = await until('the missed events are replayed', seen, (s) => s.length === before + 4)
    const replayed = events.slice(before)
    expect(replayed.map((e) => [e.action, e.status])).toEqual([
      ['start', 'in-progress'],
      ['start', 'completed'],
      ['stop', 'in-progress'],
      ['stop', 'completed'],
    ])
    expect(events.some((e) => e.reset)).toBe(false)
    // Ids run on without a gap or a repeat: nothing missed, nothing twice.
    const seqs = events.map((e) => Number(String(e.id).split('-')[1]))
    expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i))
    expect(await counter('opens')).toBeGreaterThan(opens)
    expect(await readyState()).toBe(1)
  })

  it('after a restart of the API on the same data directory, reconnects by itself: reset, then live events', async () => {
    const before = (await seen()).length
    const [opens, errors] = [await counter('opens'), await counter('errors')]
    const port = api.port
    await api.close()
    await until(
      'the browser notices the restart',
      () => counter('errors'),
      (n) => n > errors,
    )
    api = await startApi(port)
    // The session lives in the store: the browser's reconnect is still signed in.
    await until(
      'the stream reopens',
      () => counter('opens'),
      (n) => n > opens,
    )
    await until('a reset arrives', seen, (s) => s.length > before && s[before]!.reset === true)
    await api.act('start')
    const events = await until('live events arrive', seen, (s) => s.length === before + 3)
    expect(events.slice(before + 1).map((e) => [e.action, e.status])).toEqual([
      ['start', 'in-progress'],
      ['start', 'completed'],
    ])
    expect(await readyState()).toBe(1)
  })
})
