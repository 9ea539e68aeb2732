import { beforeEach, expect, it } from 'vitest'
import { auth, buildTestApp } from '../helpers/app'
import { fakeService } from '../helpers/fake-agent'
import { describeBothWays } from '../helpers/targets'

let built: Awaited<ReturnType<typeof buildTestApp>>
beforeEach(async () => {
  built = await buildTestApp({
    services: [fakeService('zapie-web-1'), fakeService('zapie-db-2', { state: 'exited', isRunning: false })],
  })
})

const bulk = (operation: string, body: unknown) => ({
  path: `/api/services/bulk/${operation}`,
  init: { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(body) },
})

describeBothWays(
  'POST /api/services/bulk/:operation',
  () => built.app,
  (target) => {
    const send = async (operation: string, body: unknown) => {
      const { path, init } = bulk(operation, body)
      const res = await target().request(path, init)
      return { status: res.status, body: await res.json() }
    }

    it('answers 200 when every service succeeds, in the original result shape plus items', async () => {
      const { status, body } = await send('start', { serviceIds: ['zapie-web-1', 'zapie-db-2'] })
      expect(status).toBe(200)
      expect(body).toEqual({
        success: true,
        operation: 'start',
        operationId: expect.any(String),
        results: { success: 2, failed: 0, errors: [] },
        items: [
          { serviceId: 'zapie-web-1', success: true, status: 200, result: { state: 'running' } },
          { serviceId: 'zapie-db-2', success: true, status: 200, result: { state: 'running' } },
        ],
      })
    })

    it('answers 207 with one item per distinct id when some fail', async () => {
      const { status, body } = await send('stop', { serviceIds: ['zapie-web-1', 'zapie-ghost', 'zapie-web-1'] })
      expect(status).toBe(207)
      expect(body.results).toEqual({
        success: 1,
        failed: 1,
        errors: [{ serviceId: 'zapie-ghost', error: "service 'zapie-ghost' not found", code: 'not_found' }],
      })
      expect(body.items.map((i: { serviceId: string; success: boolean }) => [i.serviceId, i.success])).toEqual([
        ['zapie-web-1', true],
        ['zapie-ghost', false],
      ])
    })

    it('passes keepData, name and consistency on, with keepData true by default', async () => {
      let { body } = await send('delete', { serviceIds: ['zapie-web-1'] })
      expect(body.items[0].result).toEqual({
        removed: true,
        volumesRemoved: [],
        volumesKept: ['zapie-web-1-data'],
        scheduleRemoved: false,
        backupsDeleted: [],
        backupsKept: [],
      })
      ;({ body } = await send('delete', { serviceIds: ['zapie-db-2'], options: { keepData: false } }))
      expect(body.items[0].result).toEqual({
        removed: true,
        volumesRemoved: ['zapie-db-2-data'],
        volumesKept: [],
        scheduleRemoved: false,
        backupsDeleted: [],
        backupsKept: [],
      })
    })

    it.each([
      ['an unknown operation', 'explode', { serviceIds: ['zapie-web-1'] }],
      ['no ids', 'stop', { serviceIds: [] }],
      ['101 ids', 'stop', { serviceIds: Array.from({ length: 101 }, (_, i) => `svc-${i}`) }],
      ['a traversal id', 'stop', { serviceIds: ['..%2Fetc'] }],
      ['a non-string id', 'stop', { serviceIds: [42] }],
      ['an unknown option', 'stop', { serviceIds: ['zapie-web-1'], options: { force: true } }],
      ['a bad consistency', 'backup', { serviceIds: ['zapie-web-1'], options: { consistency: 'yolo' } }],
      ['an unknown field', 'stop', { serviceIds: ['zapie-web-1'], all: true }],
    ])('refuses %s with 400', async (_, operation, body) => {
      const { status, body: error } = await send(operation, body)
      expect(status).toBe(400)
      expect(error).toMatchObject({ success: false, code: 'invalid_input' })
    })

    it('is not shadowed by the per-service routes', async () => {
      const { status, body } = await send('restart', { serviceIds: ['zapie-web-1'] })
      expect(status).toBe(200)
      expect(body.operation).toBe('restart')
    })
  },
)
