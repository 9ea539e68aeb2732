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

  it('keeps the answer as UTF-8 bytes: text outside ASCII arrives as it was, and again from the cache', async () => {
    const json = createJsonCache()
    const list = [{ name: 'café — ✓ 日本' }]
    const app = new Hono().get('/list', (c) => json(c, list, () => ({ services: list }), 200))
    for (let i = 0; i < 2; i++) {
      const bytes = new Uint8Array(await (await app.request('/list')).arrayBuffer())
      expect(bytes).toEqual(new TextEncoder().encode(JSON.stringify({ services: list })))
      expect(JSON.parse(new TextDecoder().decode(bytes))).toEqual({ services: list })
    }
  })
})
