import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import { createNodeStores } from '../../src/node-stores'
import { loadConfig } from '../../src/config'
import { auth, buildTestApp, TEST_TOKEN } from '../helpers/app'
import { fakeService } from '../helpers/fake-agent'
import { describeBothWays } from '../helpers/targets'

const PAGE = 'http://127.0.0.1:7001'
let built: Awaited<ReturnType<typeof buildTestApp>>
let now = Date.parse('2026-06-01T08:00:00Z')
beforeEach(async () => {
  now = Date.parse('2026-06-01T08:00:00Z')
  built = await buildTestApp({
    services: [fakeService('zapie-web-1')],
    env: { ZAPIE_CORS_ORIGINS: PAGE },
    clock: { now: () => now },
  })
})

const json = { 'content-type': 'application/json' }
const cookieOf = (res: Response) => /zapie_session=([^;]*)/.exec(res.headers.get('set-cookie') ?? '')?.[1]

describeBothWays(
  'browser sessions',
  () => built.app,
  (target) => {
    const signIn = async (headers: Record<string, string> = {}) => {
      const res = await target().request('/api/session', {
        method: 'POST',
        headers: { ...json, ...headers },
        body: JSON.stringify({ token: TEST_TOKEN }),
      })
      expect(res.status).toBe(200)
      const body = await res.json()
      return { res, body, cookie: `zapie_session=${cookieOf(res)}`, csrf: body.csrfToken as string }
    }

    describe('POST /api/session', () => {
      it('answers a CSRF token and sets an HttpOnly, SameSite=Lax cookie on /api that is not the token', async () => {
        const { res, body } = await signIn()
        expect(body).toEqual({
          success: true,
          csrfToken: expect.stringMatching(/^[\w-]{43}$/),
          expiresAt: new Date(now + 12 * 3600_000).toISOString(),
        })
        const setCookie = res.headers.get('set-cookie')!
        expect(setCookie).toMatch(/^zapie_session=[\w-]{43}; Max-Age=43200; Path=\/api; HttpOnly; SameSite=Lax$/)
        expect(setCookie).not.toContain(TEST_TOKEN)
        expect(res.headers.get('cache-control')).toBe('no-store')
      })

      it('marks the cookie Secure when the request came over https', async () => {
        const { res } = await signIn({ 'x-forwarded-proto': 'https' })
        expect(res.headers.get('set-cookie')).toMatch(/; Secure; SameSite=Lax$/)
      })

      it('answers 401 to a wrong token and sets no cookie', async () => {
        for (const token of ['wrong-token-0123456789', 'x', 'bad\r\nX-Evil: 1', '😀'.repeat(20)]) {
          const res = await target().request('/api/session', {
            method: 'POST',
            headers: json,
            body: JSON.stringify({ token }),
          })
          expect(res.status).toBe(401)
          expect((await res.json()).code).toBe('unauthorized')
          expect(res.headers.get('set-cookie')).toBeNull()
        }
      })

      it('answers 400 without a token and 415 to a body that is not JSON', async () => {
        const missing = await target().request('/api/session', { method: 'POST', headers: json, body: '{"tok":1}' })
        expect(missing.status).toBe(400)
        expect((await missing.json()).details[0].path).toBe('json.token')
        const malformed = await target().request('/api/session', { method: 'POST', headers: json, body: '{"token":' })
        expect((await malformed.json()).code).toBe('malformed_json')
        const form = await target().request('/api/session', {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: `token=${TEST_TOKEN}`,
        })
        expect(form.status).toBe(415)
        expect(await form.json()).toMatchObject({
          code: 'unsupported_media_type',
          error: 'Send the body as JSON with Content-Type: application/json',
        })
      })

      it('replaces the session the browser already had', async () => {
        const first = await signIn()
        const second = await signIn({ cookie: first.cookie })
        expect((await target().request('/api/services', { headers: { cookie: first.cookie } })).status).toBe(401)
        expect((await target().request('/api/services', { headers: { cookie: second.cookie } })).status).toBe(200)
      })
    })

    describe('GET /api/session', () => {
      it('answers the CSRF token and expiry with the cookie, 401 without', async () => {
        const { cookie, body } = await signIn()
        const res = await target().request('/api/session', { headers: { cookie } })
        expect(res.status).toBe(200)
        expect(await res.json()).toEqual({
          success: true,
          authenticated: true,
          csrfToken: body.csrfToken,
          expiresAt: body.expiresAt,
        })
        expect((await target().request('/api/session')).status).toBe(401)
        expect((await target().request('/api/session', { headers: auth })).status).toBe(401)
      })

      it('answers 401 and drops the cookie once the session has expired', async () => {
        const { cookie } = await signIn()
        now += 12 * 3600_000
        const res = await target().request('/api/session', { headers: { cookie } })
        expect(res.status).toBe(401)
        expect(res.headers.get('set-cookie')).toMatch(/^zapie_session=; Max-Age=0; Path=\/api; HttpOnly; SameSite=Lax$/)
      })
    })

    describe('the session cookie on other routes', () => {
      it('authenticates reads, and the event stream', async () => {
        const { cookie } = await signIn()
        const res = await target().request('/api/services', { headers: { cookie } })
        expect(res.status).toBe(200)
        expect((await res.json()).services).toHaveLength(1)
        const events = await target().request('/api/events', { headers: { cookie } })
        expect(events.status).toBe(200)
        expect(events.headers.get('content-type')).toMatch(/text\/event-stream/)
        await events.body?.cancel()
        expect(
          (await target().request('/api/services', { headers: { cookie: `zapie_session=${'a'.repeat(43)}` } })).status,
        ).toBe(401)
      })

      it('answers 401, never 500, to forged cookie values', async () => {
        const { cookie } = await signIn()
        const id = cookie.slice('zapie_session='.length)
        for (const value of [
          '..%2F..%2Fapi-token',
          '%E0%A4%A',
          'x'.repeat(5000),
          id.slice(0, 42),
          `${id}x`,
          id.toUpperCase(),
        ]) {
          const res = await target().request('/api/services', { headers: { cookie: `zapie_session=${value}` } })
          expect(res.status, value.slice(0, 40)).toBe(401)
        }
      })

      it('refuses a change without the X-CSRF-Token header with 403 csrf_failed', async () => {
        const { cookie, csrf } = await signIn()
        const stop = (headers: Record<string, string>) =>
          target().request('/api/services/zapie-web-1/stop', { method: 'POST', headers: { cookie, ...headers } })
        const none = await stop({})
        expect(none.status).toBe(403)
        expect((await none.json()).code).toBe('csrf_failed')
        expect((await stop({ 'x-csrf-token': 'a'.repeat(43) })).status).toBe(403)
        expect(built.services[0]!.summary.isRunning).toBe(true)
        expect((await stop({ 'x-csrf-token': csrf })).status).toBe(200)
        expect(built.services[0]!.summary.isRunning).toBe(false)
      })

      it('refuses requests by cookie from an origin that is neither the API nor configured', async () => {
        const { cookie, csrf } = await signIn()
        const list = (origin: string) =>
          target().request('/api/services', { headers: { cookie, origin, 'x-csrf-token': csrf } })
        const foreign = await list('http://evil.example')
        expect(foreign.status).toBe(403)
        expect((await foreign.json()).code).toBe('csrf_failed')
        expect((await list('null')).status).toBe(403)
        expect((await list(PAGE)).status).toBe(200)
        const own = target().baseUrl ?? 'http://localhost'
        expect((await list(own)).status).toBe(200)
      })

      it('leaves bearer-token clients alone: no CSRF token, any origin, a stale cookie beside it', async () => {
        const res = await target().request('/api/services/zapie-web-1/stop', {
          method: 'POST',
          headers: { ...auth, origin: 'http://elsewhere.example', cookie: `zapie_session=${'b'.repeat(43)}` },
        })
        expect(res.status).toBe(200)
      })
    })

    describe('DELETE /api/session', () => {
      it('signs out: removes the session and clears the cookie', async () => {
        const { cookie, csrf } = await signIn()
        expect((await target().request('/api/session', { method: 'DELETE', headers: { cookie } })).status).toBe(403)
        const res = await target().request('/api/session', {
          method: 'DELETE',
          headers: { cookie, 'x-csrf-token': csrf },
        })
        expect(res.status).toBe(200)
        expect(res.headers.get('set-cookie')).toMatch(/^zapie_session=; Max-Age=0; Path=\/api/)
        expect((await target().request('/api/services', { headers: { cookie } })).status).toBe(401)
      })
    })

    describe('CORS with credentials', () => {
      it('allows credentials and the CSRF header for configured origins only', async () => {
        const preflight = (origin: string) =>
          target().request('/api/session', {
            method: 'OPTIONS',
            headers: {
              origin,
              'access-control-request-method': 'DELETE',
              'access-control-request-headers': 'x-csrf-token',
            },
          })
        const ok = await preflight(PAGE)
        expect(ok.headers.get('access-control-allow-origin')).toBe(PAGE)
        expect(ok.headers.get('access-control-allow-credentials')).toBe('true')
        expect(ok.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('x-csrf-token')
        const other = await preflight('http://evil.example')
        expect(other.headers.get('access-control-allow-origin')).toBeNull()
        expect(other.headers.get('access-control-allow-credentials')).toBeNull()
        const { cookie } = await signIn()
        const read = await target().request('/api/services', { headers: { cookie, origin: PAGE } })
        expect(read.headers.get('access-control-allow-credentials')).toBe('true')
      })
    })
  },
)

describe('POST /api/session and failed authentication', () => {
  it('counts a wrong token as a failed attempt of that client: 429 after ten, the others unaffected', async () => {
    const { app } = await buildTestApp({ clientAddress: (c) => c.req.header('x-test-client') })
    const signIn = (client: string, token: string) =>
      app.request('/api/session', {
        method: 'POST',
        headers: { ...json, 'x-test-client': client },
        body: JSON.stringify({ token }),
      })
    const statuses: number[] = []
    for (let i = 0; i < 11; i++) statuses.push((await signIn('10.0.0.1', `wrong-token-guess-${i}-000000`)).status)
    expect(statuses).toEqual([...Array(10).fill(401), 429])
    const refused = await signIn('10.0.0.1', TEST_TOKEN)
    expect(refused.status).toBe(429)
    expect(refused.headers.get('set-cookie')).toBeNull()
    expect((await signIn('10.0.0.2', TEST_TOKEN)).status).toBe(200)
  })
})

describe('ZAPIE_SESSION_SAMESITE', () => {
  it('none makes the cookie SameSite=None and Secure, for a UI on another site', async () => {
    const { app } = await buildTestApp({ env: { ZAPIE_SESSION_SAMESITE: 'none' } })
    const res = await app.request('/api/session', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ token: TEST_TOKEN }),
    })
    expect(res.headers.get('set-cookie')).toMatch(/; Path=\/api; HttpOnly; Secure; SameSite=None$/)
  })

  it('refuses a value it does not know', async () => {
    expect(() => loadConfig({ ZAPIE_SESSION_SAMESITE: 'sometimes' })).toThrow(/ZAPIE_SESSION_SAMESITE/)
  })
})

describe('sessions in the fs store', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'zapie-session-'))
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

  it('survive a restart of the server and hold neither the API token nor the cookie value', async () => {
    const env = { ZAPIE_STORAGE: 'fs', ZAPIE_DATA_DIR: dataDir }
    const config = loadConfig({ ZAPIE_API_TOKEN: TEST_TOKEN, ...env })
    const first = await buildTestApp({ env, stores: await createNodeStores(config) })
    const signedIn = await first.app.request('/api/session', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ token: TEST_TOKEN }),
    })
    const id = cookieOf(signedIn)!
    await first.deps.stores.close()

    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((name) =>
        statSync(join(dir, name)).isDirectory() ? files(join(dir, name)) : [join(dir, name)],
      )
    const stored = files(dataDir)
      .map((f) => `${f}\n${readFileSync(f, 'utf8')}`)
      .join('\n')
    expect(stored).toContain('sessions')
    expect(stored).not.toContain(id)
    expect(stored).not.toContain(TEST_TOKEN)

    const second = await buildTestApp({ env, stores: await createNodeStores(config) })
    const res = await second.app.request('/api/session', { headers: { cookie: `zapie_session=${id}` } })
    expect(res.status).toBe(200)
    await second.deps.stores.close()
  })
})
