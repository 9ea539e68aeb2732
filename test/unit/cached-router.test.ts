import { TrieRouter } from 'hono/router/trie-router'
import { describe, expect, it, vi } from 'vitest'
import { CachedRouter } from '../../src/cached-router'
import { auth, buildTestApp } from '../helpers/app'

const withRoutes = () => {
  const inner = new TrieRouter<string>()
  const router = new CachedRouter(inner)
  router.add('GET', '/api/services/bulk/:operation', 'bulk')
  router.add('GET', '/api/services/:containerId', 'service')
  router.add('GET', '/api/services/:containerId/logs', 'logs')
  router.add('ALL', '/api/*', 'middleware')
  return { inner, router, match: vi.spyOn(inner, 'match') }
}

const handlersAndParams = (result: ReturnType<CachedRouter<string>['match']>) =>
  result[0].map(([handler, params]) => [handler, { ...params }])

describe('CachedRouter', () => {
  it('answers as the router it wraps, each path with its own parameters', () => {
    const { router } = withRoutes()
    const plain = withRoutes().inner
    for (const path of [
      '/api/services/a1',
      '/api/services/b2',
      '/api/services/a1/logs',
      '/api/services/bulk/stop',
      '/x',
    ])
      for (let round = 0; round < 2; round++)
        expect(handlersAndParams(router.match('GET', path))).toEqual(handlersAndParams(plain.match('GET', path)))
    expect(handlersAndParams(router.match('GET', '/api/services/b2'))).toEqual([
      ['service', { containerId: 'b2' }],
      ['middleware', {}],
    ])
  })

  it('asks the router it wraps once per method and path', () => {
    const { router, match } = withRoutes()
    for (let i = 0; i < 5; i++) router.match('GET', '/api/services/a1')
    router.match('POST', '/api/services/a1')
    expect(match.mock.calls).toEqual([
      ['GET', '/api/services/a1'],
      ['POST', '/api/services/a1'],
    ])
  })

  it('keeps at most 512 paths, the oldest dropped first, and never a very long one', () => {
    const { router, match } = withRoutes()
    for (let i = 0; i <= 512; i++) router.match('GET', `/api/services/s${i}`)
    match.mockClear()
    // Only the first one was dropped, to make room for the 513th.
    for (let i = 1; i <= 512; i++) router.match('GET', `/api/services/s${i}`)
    expect(match).not.toHaveBeenCalled()
    router.match('GET', '/api/services/s0')
    expect(match).toHaveBeenCalledTimes(1)
    // 256 characters are kept; longer paths are matched anew each time.
    const longest = `/api/services/${'x'.repeat(256 - 14)}`
    expect(longest).toHaveLength(256)
    router.match('GET', longest)
    router.match('GET', longest)
    expect(match).toHaveBeenCalledTimes(2)
    const long = `${longest}x`
    router.match('GET', long)
    router.match('GET', long)
    expect(match).toHaveBeenCalledTimes(4)
  })

  it('forgets what it kept when a route is added', () => {
    const { router } = withRoutes()
    expect(router.match('GET', '/api/other')[0].map(([h]) => h)).toEqual(['middleware'])
    router.add('GET', '/api/other', 'other')
    expect(router.match('GET', '/api/other')[0].map(([h]) => h)).toEqual(['middleware', 'other'])
  })
})

describe('handlers that only document their route', () => {
  it('are never routed, so a request is not dispatched through them', () => {
    const router = new CachedRouter(new TrieRouter<string>(), (handler) => handler.startsWith('doc:'))
    router.add('GET', '/api/health', 'doc:health')
    router.add('GET', '/api/health', 'health')
    expect(handlersAndParams(router.match('GET', '/api/health'))).toEqual([['health', {}]])
  })

  it('the app: the OpenAPI document still describes every route, and routes still answer', async () => {
    const { app } = await buildTestApp()
    const doc = (await (await app.request('/api/openapi.json')).json()) as { paths: Record<string, object> }
    expect(doc.paths['/api/health']).toHaveProperty('get.summary')
    expect((await app.request('/api/health', { headers: auth })).status).toBe(200)
  })
})

describe('the handlers of a path merged into one', () => {
  const merging = () => {
    const router = new CachedRouter(new TrieRouter<string>(), undefined, (handlers) => `merged(${handlers.join('+')})`)
    router.add('ALL', '*', 'chain')
    router.add('ALL', '/api/services/:containerId/logs', 'follow-limit')
    router.add('GET', '/api/services/bulk/:operation', 'bulk')
    router.add('GET', '/api/services/:containerId/logs', 'logs')
    router.add('GET', '/api/services/:containerId', 'service')
    return router
  }

  it('are one handler, in their order, with the parameters they share', () => {
    const router = merging()
    for (let round = 0; round < 2; round++) {
      expect(handlersAndParams(router.match('GET', '/api/services/a1/logs'))).toEqual([
        ['merged(chain+follow-limit+logs)', { containerId: 'a1' }],
      ])
      expect(handlersAndParams(router.match('GET', '/api/services/b2'))).toEqual([
        ['merged(chain+service)', { containerId: 'b2' }],
      ])
    }
    // One handler matched: nothing to merge.
    expect(handlersAndParams(router.match('GET', '/nowhere'))).toEqual([['chain', {}]])
  })

  it('stay apart where their parameters differ, so each still reads its own', () => {
    // /api/services/bulk/logs is bulk's `operation` and the log route's `containerId` at once.
    expect(handlersAndParams(merging().match('GET', '/api/services/bulk/logs'))).toEqual([
      ['chain', {}],
      ['follow-limit', { containerId: 'bulk' }],
      ['bulk', { operation: 'logs' }],
      ['logs', { containerId: 'bulk' }],
    ])
  })

  it('stay apart where a parameter has another value, or one handler has more of them', () => {
    const router = new CachedRouter(new TrieRouter<string>(), undefined, (handlers) => `merged(${handlers.join('+')})`)
    router.add('GET', '/t/:a/y', 'ay')
    router.add('GET', '/t/x/:a', 'xa')
    router.add('GET', '/u/:a/:b/z', 'abz')
    router.add('GET', '/u/:a/y/:b', 'ayb')
    // The one with more parameters first: each is compared with the first.
    router.add('GET', '/:b/:a', 'ba')
    router.add('GET', '/v/:a', 'va')
    expect(handlersAndParams(router.match('GET', '/t/x/y'))).toEqual([
      ['ay', { a: 'x' }],
      ['xa', { a: 'y' }],
    ])
    expect(handlersAndParams(router.match('GET', '/u/1/y/z'))).toEqual([
      ['abz', { a: '1', b: 'y' }],
      ['ayb', { a: '1', b: 'z' }],
    ])
    expect(handlersAndParams(router.match('GET', '/v/1'))).toEqual([
      ['ba', { b: 'v', a: '1' }],
      ['va', { a: '1' }],
    ])
  })

  it('the app: a route and the middleware before it answer as through compose, errors included', async () => {
    const { app } = await buildTestApp()
    const health = await app.request('/api/health', { headers: auth })
    expect(health.status).toBe(200)
    expect(health.headers.get('x-request-id')).toMatch(/.+/)
    // A handler's error becomes the error answer, with the headers the middleware set before it.
    const bad = await app.request('/api/services/not..valid', { headers: auth })
    expect(bad.status).toBe(400)
    expect(bad.headers.get('x-request-id')).toBe((await bad.json()).requestId)
    expect(bad.headers.get('vary')).toBe('Origin')
    // The route's parameter reaches its handler.
    expect((await app.request('/api/services/nosuchservice', { headers: auth })).status).toBe(404)
  })
})
