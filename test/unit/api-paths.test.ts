import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { isApiPath } from '../../src/app'
import { auth, buildTestApp } from '../helpers/app'

// Paths a client may send, odd ones included: Hono decodes some escapes and the URL parser
// resolves dot segments before the router sees the path.
const PATHS = [
  '/api',
  '/api/',
  '/api/services',
  '/api/services/abc/logs',
  '/apix',
  '/apis/services',
  '/API/services',
  '//api/services',
  '/api%2Fservices',
  '/%61pi/services',
  '/%2561pi/services',
  '/api/%2e%2e/api/services',
  '/x/../api/services',
  '/',
  '/assets/app.js',
]

describe('the API steps run exactly where use("/api/*") would run them', () => {
  it('matches Hono’s own /api/* for every path, by the path the router matched', async () => {
    const reference = new Hono()
      .use('/api/*', async (c, next) => {
        await next()
        c.header('x-api', 'yes')
      })
      .all('*', (c) => c.text(String(isApiPath(c.req.path))))
    for (const path of PATHS) {
      const res = await reference.request(path)
      expect([path, await res.text()]).toEqual([path, String(res.headers.get('x-api') === 'yes')])
    }
  })

  it('the app: every odd spelling of an API route still needs the token', async () => {
    const { app } = await buildTestApp()
    for (const path of ['/%61pi/services', '/api/%2e%2e/api/services', '/x/../api/services', '/api/services/']) {
      const res = await app.request(path)
      expect([path, res.status]).toEqual([path, 401])
    }
    expect((await app.request('/%61pi/services', { headers: auth })).status).toBe(200)
  })
})
