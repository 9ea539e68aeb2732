import type { AddressInfo } from 'node:net'
import type { ServerType } from '@hono/node-server'
import { afterEach, describe, expect, it } from 'vitest'
import { listenOrExit } from '../../src/listen'
import { auth, buildTestApp } from '../helpers/app'

/**
 * On Node the request id, rate-limit and Vary headers go straight onto the ServerResponse
 * (src/response-header.ts) rather than through Hono's Headers object: over real HTTP every
 * answer must still carry them — JSON, errors, 404s and event streams alike.
 */
const servers: ServerType[] = []
afterEach(async () => {
  for (const s of servers.splice(0)) {
    ;(s as { closeAllConnections?: () => void }).closeAllConnections?.()
    await new Promise((r) => s.close(r))
  }
})

async function serve(env: Record<string, string> = {}) {
  const { app } = await buildTestApp({ env })
  const server = await listenOrExit(
    { port: 0, host: '127.0.0.1', portVariable: 'PORT', hostVariable: 'HOST' },
    Promise.resolve(app),
  )
  servers.push(server)
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

// A new id (src/request-id-source.ts): the process's random prefix and a counter.
const NEW_ID = /^[0-9a-f]{12}-[0-9a-z]+$/

describe('response headers over Node HTTP', () => {
  it('a JSON read carries its request id (the one in the log and errors), rate-limit counts and Vary', async () => {
    const base = await serve({ ZAPIE_RATE_LIMIT: '5' })
    const first = await fetch(`${base}/api/templates`, { headers: auth })
    expect(first.status).toBe(200)
    expect(first.headers.get('x-request-id')).toMatch(NEW_ID)
    expect(first.headers.get('ratelimit-limit')).toBe('5')
    expect(first.headers.get('ratelimit-remaining')).toBe('4')
    expect(first.headers.get('vary')).toBe('Origin')
    expect(first.headers.get('content-type')).toBe('application/json')
    const second = await fetch(`${base}/api/templates`, { headers: auth })
    expect(second.headers.get('ratelimit-remaining')).toBe('3')
    expect(second.headers.get('x-request-id')).not.toBe(first.headers.get('x-request-id'))
  })

  it("keeps a caller's usable X-Request-Id and replaces one that is not", async () => {
    const base = await serve()
    const kept = await fetch(`${base}/api/templates`, { headers: { ...auth, 'x-request-id': 'trace-42=a' } })
    expect(kept.headers.get('x-request-id')).toBe('trace-42=a')
    const replaced = await fetch(`${base}/api/templates`, { headers: { ...auth, 'x-request-id': 'no spaces <b>' } })
    expect(replaced.headers.get('x-request-id')).toMatch(NEW_ID)
    const tooLong = await fetch(`${base}/api/templates`, { headers: { ...auth, 'x-request-id': 'a'.repeat(256) } })
    expect(tooLong.headers.get('x-request-id')).toMatch(NEW_ID)
  })

  it('errors carry the same request id in the header and the body, and a 429 says when to come back', async () => {
    const base = await serve({ ZAPIE_RATE_LIMIT: '1' })
    const wrong = await fetch(`${base}/api/templates`, {
      headers: { authorization: 'Bearer wrong-token-xxxxxxxxxxxx' },
    })
    expect(wrong.status).toBe(401)
    const body = (await wrong.json()) as { requestId: string }
    expect(wrong.headers.get('x-request-id')).toBe(body.requestId)
    expect(wrong.headers.get('vary')).toBe('Origin')
    await fetch(`${base}/api/templates`, { headers: auth })
    const limited = await fetch(`${base}/api/templates`, { headers: auth })
    expect(limited.status).toBe(429)
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(limited.headers.get('ratelimit-remaining')).toBe('0')
    expect(limited.headers.get('x-request-id')).toBe(((await limited.json()) as { requestId: string }).requestId)
    const missing = await fetch(`${base}/no/such/page`)
    expect(missing.status).toBe(404)
    expect(missing.headers.get('x-request-id')).toMatch(NEW_ID)
  })

  it('an event stream carries them too', async () => {
    const base = await serve()
    const controller = new AbortController()
    const res = await fetch(`${base}/api/events`, { headers: auth, signal: controller.signal })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('text/event-stream')
    expect(res.headers.get('x-request-id')).toMatch(NEW_ID)
    expect(res.headers.get('ratelimit-limit')).not.toBeNull()
    controller.abort()
  })
})
