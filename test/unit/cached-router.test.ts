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
