import memory from 'unstorage/drivers/memory'
import { expect, it } from 'vitest'
import { createStores } from '../../storage'
import { auth, buildTestApp } from '../helpers/app'
import { describeBothWays } from '../helpers/targets'

const healthy = await buildTestApp()
const frozen = await buildTestApp({
  stores: await createStores(
    { storage: 'memory', dataDir: '', storageTimeoutMs: 200 },
    { driver: { ...memory(), hasItem: () => new Promise<never>(() => {}) } },
  ),
})

describeBothWays(
  'GET /api/health and storage',
  () => healthy.app,
  (target) => {
    it('reports the store as up for a token', async () => {
      const res = await target().request('/api/health', { headers: auth })
      expect(res.status).toBe(200)
      expect(await res.json()).toMatchObject({ status: 'ok', storage: { status: 'up' } })
    })
  },
)

describeBothWays(
  'GET /api/health with a store that does not answer',
  () => frozen.app,
  (target) => {
    it('reports storage down, apart from Docker, within the store deadline', async () => {
      const started = Date.now()
      const res = await target().request('/api/health', { headers: auth })
      expect(Date.now() - started).toBeLessThan(2000)
      expect(res.status).toBe(503)
      expect(await res.json()).toMatchObject({
        status: 'degraded',
        docker: { status: 'connected' },
        storage: { status: 'down' },
      })
    })

    it('tells an anonymous caller only that the service is degraded', async () => {
      const res = await target().request('/api/health')
      expect(res.status).toBe(503)
      const body = await res.json()
      expect(body.status).toBe('degraded')
      expect(body.storage).toBeUndefined()
    })
  },
)
