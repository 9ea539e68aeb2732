import { describe, expect, it } from 'vitest'
import { createLogger } from '../../src/logger'
import { auth, buildTestApp, TEST_TOKEN } from '../helpers/app'
import { fakeService } from '../helpers/fake-agent'
import { describeBothWays } from '../helpers/targets'

const built = await buildTestApp({
  services: [fakeService('zapie-web-1')],
  env: { ZAPIE_CORS_ORIGINS: 'http://ui.test', ZAPIE_BODY_LIMIT: '2048' },
})

describeBothWays(
  'API basics',
  () => built.app,
  (target) => {
    describe('GET /api/health', () => {
      it('answers without a token with up or down only, no Docker version', async () => {
        const res = await target().request('/api/health')
        expect(res.status).toBe(200)
        expect(await res.json()).toEqual({ success: true, status: 'ok' })
      })

      it('shows the Docker version with a valid token', async () => {
        const res = await target().request('/api/health', { headers: auth })
        expect((await res.json()).docker).toMatchObject({ status: 'connected', version: '99.0-fake' })
      })

      it('adds counts and host facts, without addresses, for a valid token', async () => {
        const res = await target().request('/api/health', { headers: auth })
        const body = await res.json()
        expect(body.containers).toMatchObject({ managed: 1 })
        expect(body.images).toBe(1)
        expect(body.host).toMatchObject({ os: 'FakeOS', cpus: 2 })
        expect(JSON.stringify(body)).not.toMatch(/\b\d{1,3}(\.\d{1,3}){3}\b|([0-9a-f]{2}:){5}/i)
      })
    })

    describe('authentication', () => {
      it('refuses a missing token with 401 in the envelope', async () => {
        const res = await target().request('/api/services')
        expect(res.status).toBe(401)
        expect(await res.json()).toMatchObject({ success: false, code: 'unauthorized', requestId: expect.any(String) })
      })

      it('refuses a wrong token, including one that only shares a prefix', async () => {
        for (const token of ['nope', TEST_TOKEN.slice(0, -1), `${TEST_TOKEN}x`]) {
          const res = await target().request('/api/services', { headers: { authorization: `Bearer ${token}` } })
          expect(res.status).toBe(401)
        }
      })

      it('accepts the token', async () => {
        expect((await target().request('/api/services', { headers: auth })).status).toBe(200)
      })
    })

    describe('hygiene', () => {
      it('answers an unknown route with a 404 envelope', async () => {
        const res = await target().request('/api/nothing-here', { headers: auth })
        expect(res.status).toBe(404)
        expect(await res.json()).toMatchObject({ success: false, code: 'not_found' })
      })

      it('answers malformed JSON with 400', async () => {
        const res = await target().request('/api/events/ticket', {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json' },
          body: '{"broken": ',
        })
        expect(res.status).toBe(400)
        expect(await res.json()).toMatchObject({ success: false, code: 'malformed_json' })
      })

      it('refuses a body over the limit with 413', async () => {
        const res = await target().request('/api/events/ticket', {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json' },
          body: JSON.stringify({ pad: 'x'.repeat(4096) }),
        })
        expect(res.status).toBe(413)
        expect(await res.json()).toMatchObject({ code: 'payload_too_large' })
      })

      it('sends an X-Request-Id on every response, honouring a sane incoming one', async () => {
        const res = await target().request('/api/health', { headers: { 'x-request-id': 'trace-123' } })
        expect(res.headers.get('x-request-id')).toBe('trace-123')
        expect((await target().request('/api/nope')).headers.get('x-request-id')).toMatch(/.+/)
      })

      it('allows configured CORS origins only', async () => {
        const ok = await target().request('/api/services', {
          method: 'OPTIONS',
          headers: { origin: 'http://ui.test', 'access-control-request-method': 'GET' },
        })
        expect(ok.headers.get('access-control-allow-origin')).toBe('http://ui.test')
        const other = await target().request('/api/health', { headers: { origin: 'http://evil.test' } })
        expect(other.headers.get('access-control-allow-origin')).toBeNull()
      })

      it('answers a configured origin with CORS headers beside the body, and every caller with Vary: Origin', async () => {
        const cross = await target().request('/api/services', { headers: { ...auth, origin: 'http://ui.test' } })
        expect(cross.status).toBe(200)
        expect(cross.headers.get('access-control-allow-origin')).toBe('http://ui.test')
        expect(cross.headers.get('access-control-allow-credentials')).toBe('true')
        expect(cross.headers.get('access-control-expose-headers')).toContain('X-Request-Id')
        expect(cross.headers.get('vary')).toBe('Origin')
        expect((await cross.json()).total).toBe(1)
        const plain = await target().request('/api/services', { headers: auth })
        expect(plain.headers.get('access-control-allow-origin')).toBeNull()
        expect(plain.headers.get('access-control-expose-headers')).toBeNull()
        expect(plain.headers.get('vary')).toBe('Origin')
        expect(plain.headers.get('x-request-id')).toMatch(/.+/)
        expect(plain.headers.get('ratelimit-limit')).toMatch(/^\d+$/)
      })
    })
  },
)

describe('request logging', () => {
  it('writes one structured line per request without the token or query', async () => {
    const lines: string[] = []
    const { app } = await buildTestApp({ logger: createLogger('info', (l) => lines.push(l)) })
    await app.request('/api/events?ticket=secret-ticket-value', { headers: auth })
    await app.request('/api/services', { headers: auth })
    expect(lines).toHaveLength(2)
    const entry = JSON.parse(lines[1]!)
    expect(entry).toMatchObject({ level: 'info', msg: 'request', method: 'GET', path: '/api/services', status: 200 })
    expect(entry.requestId).toEqual(expect.any(String))
    expect(lines.join('\n')).not.toContain(TEST_TOKEN)
    expect(lines.join('\n')).not.toContain('secret-ticket-value')
  })
})

describe('rate limiting', () => {
  it('answers 429 with Retry-After once a client exceeds its budget', async () => {
    const { app } = await buildTestApp({ env: { ZAPIE_RATE_LIMIT: '3' } })
    const statuses = []
    for (let i = 0; i < 4; i++) statuses.push((await app.request('/api/services', { headers: auth })).status)
    expect(statuses).toEqual([200, 200, 200, 429])
    const res = await app.request('/api/services', { headers: auth })
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/)
    expect(await res.json()).toMatchObject({ code: 'rate_limited' })
  })
})
