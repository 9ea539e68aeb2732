import { describe, expect, it, vi } from 'vitest'
import { createRequestIdSource } from '../../src/request-id-source'
import { auth, buildTestApp } from '../helpers/app'

describe('new request ids', () => {
  it('are unique within a process and draw their random prefix once, on first use', () => {
    const random = vi.fn((b: Uint8Array) => b.fill(0xab))
    const next = createRequestIdSource(random)
    // Not at creation: Workers refuse random values outside a request.
    expect(random).not.toHaveBeenCalled()
    const ids = Array.from({ length: 10_000 }, () => next())
    expect(random).toHaveBeenCalledTimes(1)
    expect(new Set(ids).size).toBe(10_000)
    expect(ids[0]).toBe('abababababab-1')
    expect(ids[35]).toBe('abababababab-10')
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{12}-[0-9a-z]+$/)
  })

  it('differ between processes (apps): each draws its own prefix', () => {
    const prefixes = new Set(Array.from({ length: 20 }, () => createRequestIdSource()().split('-')[0]))
    expect(prefixes.size).toBe(20)
  })

  it('the API: every answer without a usable caller id gets a fresh one, the same in its error body', async () => {
    const { app } = await buildTestApp()
    const first = await app.request('/api/health', { headers: auth })
    const second = await app.request('/api/health', { headers: { ...auth, 'x-request-id': 'bad id with spaces' } })
    const missing = await app.request('/api/services/does-not-exist', { headers: auth })
    const ids = [first, second, missing].map((r) => r.headers.get('x-request-id'))
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{12}-[0-9a-z]+$/)
    expect(new Set(ids).size).toBe(3)
    expect(((await missing.json()) as { requestId: string }).requestId).toBe(ids[2])
  })
})
