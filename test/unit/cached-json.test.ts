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
})
