import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config'
import { createNodeStores } from '../../src/node-stores'
import type { Stores } from '../../storage'
import { auth, buildTestApp } from '../helpers/app'
import { startPrivateRedis } from '../helpers/redis-server'

/** The API on Redis storage while that Redis freezes (SIGSTOP) and dies (SIGKILL) and comes back. */
let redis: Awaited<ReturnType<typeof startPrivateRedis>>
let stores: Stores
let app: Awaited<ReturnType<typeof buildTestApp>>['app']

beforeAll(async () => {
  redis = await startPrivateRedis()
  stores = await createNodeStores(
    loadConfig({ ZAPIE_STORAGE: 'redis', ZAPIE_REDIS_URL: redis.url, LOG_LEVEL: 'silent' }),
  )
  ;({ app } = await buildTestApp({ stores }))
})

afterAll(async () => {
  await redis?.stop()
  await stores?.close().catch(() => {})
})

async function timed(path: string) {
  const started = Date.now()
  const res = await app.request(path, { headers: auth })
  return { res, body: await res.json(), ms: Date.now() - started }
}

async function eventually200(path: string) {
  const deadline = Date.now() + 15_000
  for (;;) {
    const { res } = await timed(path)
    if (res.status === 200 || Date.now() > deadline) return res.status
    await new Promise((r) => setTimeout(r, 200))
  }
}

describe('a store-backed request while Redis is frozen', () => {
  it('answers 503 storage_unavailable within the store deadline, and 200 again once Redis resumes', async () => {
    expect((await timed('/api/templates')).res.status).toBe(200)
    redis.freeze()
    try {
      const { res, body, ms } = await timed('/api/templates')
      expect(res.status).toBe(503)
      expect(body).toMatchObject({ success: false, code: 'storage_unavailable' })
      expect(ms).toBeLessThan(5000)
      const health = await timed('/api/health')
      expect(health.res.status).toBe(503)
      expect(health.body).toMatchObject({
        status: 'degraded',
        docker: { status: 'connected' },
        storage: { status: 'down' },
      })
      expect(health.ms).toBeLessThan(5000)
    } finally {
      redis.thaw()
    }
    const after = await timed('/api/templates')
    expect(after.res.status).toBe(200)
    expect(after.body.templates.length).toBeGreaterThan(0)
    expect((await timed('/api/health')).body.storage).toEqual({ status: 'up' })
  })
})

describe('a store-backed request while Redis is stopped', () => {
  it('answers 503 quickly, and recovers without a restart when Redis is back on its port', async () => {
    await redis.kill()
    const { res, body, ms } = await timed('/api/templates')
    expect(res.status).toBe(503)
    expect(body.code).toBe('storage_unavailable')
    expect(ms).toBeLessThan(5000)
    await redis.start()
    // Memory-only Redis came back empty: the catalogue is seeded again on the next request.
    expect(await eventually200('/api/templates')).toBe(200)
  })
})
