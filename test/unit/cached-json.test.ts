import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { requestId } from 'hono/request-id'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createJsonCache } from '../../src/cached-json'

afterEach(() => vi.restoreAllMocks())

describe('createJsonCache', () => {
  it('serialises a body once while the object it is built from is the same, and anew when that changes', async () => {
    const json = createJsonCache()
    let list = [{ name: 'web' }]
    const app = new Hono()
      .use(requestId())
      .get('/list', (c) => json(c, list, () => ({ success: true, services: list, total: list.length }), 200))
    const stringify = vi.spyOn(JSON, 'stringify')
    const bodies = () => stringify.mock.calls.filter(([v]) => (v as { services?: unknown })?.services).length
    for (let i = 0; i < 20; i++) {
      const res = await app.request('/list')
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toBe('application/json')
      expect(res.headers.get('x-request-id')).toMatch(/.+/)
      expect(await res.json()).toEqual({ success: true, services: [{ name: 'web' }], total: 1 })
    }
    expect(bodies()).toBe(1)
    list = [{ name: 'web' }, { name: 'db' }]
    expect((await (await app.request('/list')).json()).total).toBe(2)
    expect(bodies()).toBe(2)
  })

  it('keeps a text per variant (a query), a bounded number per key whatever clients send', async () => {
    const json = createJsonCache()
    const catalogue = { version: {} }
    const app = new Hono().get('/t', (c) => {
      const q = c.req.query('q') ?? ''
      return json(c, catalogue.version, () => ({ success: true, services: [q] }), 200, q)
    })
    const stringify = vi.spyOn(JSON, 'stringify')
    const bodies = () => stringify.mock.calls.filter(([v]) => (v as { services?: unknown })?.services).length
    expect(await (await app.request('/t?q=a')).json()).toEqual({ success: true, services: ['a'] })
    expect(await (await app.request('/t?q=b')).json()).toEqual({ success: true, services: ['b'] })
    expect(await (await app.request('/t?q=a')).json()).toEqual({ success: true, services: ['a'] })
    expect(bodies()).toBe(2)
    for (let i = 0; i < 200; i++) await app.request(`/t?q=x${i}`)
    // Past the bound a text is built for the answer and not kept: still the right body.
    expect(await (await app.request('/t?q=x199')).json()).toEqual({ success: true, services: ['x199'] })
    expect(bodies()).toBe(203)
    catalogue.version = {}
    await app.request('/t?q=a')
    expect(bodies()).toBe(204)
  })

  it('sends short and long answers as UTF-8 with their byte length, outside ASCII too, and again from the cache', async () => {
    const json = createJsonCache()
    // Over Node, where the adapter measures the body for Content-Length: short and long ones.
    const short = [{ name: 'café — ✓ 日本' }]
    const long = Array.from({ length: 400 }, (_, i) => ({ name: `café ${i} — ✓ 日本` }))
    const app = new Hono()
      .get('/short', (c) => json(c, short, () => ({ services: short }), 200))
      .get('/long', (c) => json(c, long, () => ({ services: long }), 200))
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' })
    await new Promise((r) => server.once('listening', r))
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    try {
      for (const [path, list] of [
        ['/short', short],
        ['/long', long],
      ] as const) {
        const expected = new TextEncoder().encode(JSON.stringify({ services: list }))
        for (let i = 0; i < 2; i++) {
          const res = await fetch(base + path)
          expect(res.headers.get('content-type')).toBe('application/json')
          expect(res.headers.get('content-length')).toBe(String(expected.byteLength))
          const bytes = new Uint8Array(await res.arrayBuffer())
          expect(bytes).toEqual(expected)
          expect(JSON.parse(new TextDecoder().decode(bytes))).toEqual({ services: list })
        }
      }
    } finally {
      await new Promise((r) => server.close(r))
    }
  })
})
