import { beforeEach, describe, expect, it } from 'vitest'
import { auth, buildTestApp } from '../helpers/app'
import { fakeService } from '../helpers/fake-agent'
import { serveFakeAgent } from '../helpers/fake-agent-server'
import { describeBothWays } from '../helpers/targets'

let built: Awaited<ReturnType<typeof buildTestApp>>
beforeEach(async () => {
  built = await buildTestApp({
    services: [fakeService('zapie-web-1'), fakeService('zapie-db-2', { state: 'exited', isRunning: false })],
  })
})

const json = (body: unknown) => ({
  method: 'POST',
  headers: { ...auth, 'content-type': 'application/json' },
  body: JSON.stringify(body),
})

describeBothWays(
  'monitoring handlers',
  () => built.app,
  (target) => {
    const get = async (path: string) => {
      const res = await target().request(path, { headers: auth })
      return { status: res.status, body: await res.json() }
    }

    it('GET /api/services/health/all covers running and stopped services with a summary', async () => {
      const { status, body } = await get('/api/services/health/all')
      expect(status).toBe(200)
      expect(body.services.map((s: { serviceId: string; status: string }) => `${s.serviceId}:${s.status}`)).toEqual([
        'zapie-web-1:up',
        'zapie-db-2:down',
      ])
      expect(body.summary).toMatchObject({ up: 1, down: 1, total: 2 })
      expect(body.total).toBe(2)
    })

    it('literal routes are not shadowed by /api/services/:containerId/…', async () => {
      const system = await get('/api/services/system/metrics')
      expect(system.status).toBe(200)
      expect(system.body.metrics).toMatchObject({
        docker: { version: '99.0-fake' },
        disk: { dockerRoot: { path: '/var/lib/docker' } },
      })
      const status = await get('/api/services/monitoring/status')
      expect(status.body.monitoring.services).toHaveLength(2)
    })

    it('GET …/health answers the health of one service', async () => {
      const { status, body } = await get('/api/services/zapie-web-1/health')
      expect(status).toBe(200)
      expect(body.health).toMatchObject({
        serviceId: 'zapie-web-1',
        status: 'up',
        uptime: '1m',
        metrics: { cpu: { percentage: 12.5 } },
      })
      expect((await get('/api/services/zapie-ghost/health')).status).toBe(404)
    })

    it('GET …/metrics accepts the five ranges and nothing else', async () => {
      for (const range of ['1h', '6h', '24h', '7d', '30d']) {
        const { status, body } = await get(`/api/services/zapie-web-1/metrics?timeRange=${range}`)
        expect(status, range).toBe(200)
        expect(body.metrics).toMatchObject({
          timeRange: range,
          current: { cpu: { percentage: 12.5 } },
          historical: expect.any(Array),
        })
      }
      expect((await get('/api/services/zapie-web-1/metrics')).body.metrics.timeRange).toBe('1h')
      for (const q of ['timeRange=2h', 'timeRange=', 'timeRange=1H', 'range=1h', 'timeRange=1h&timeRange=6h']) {
        expect((await get(`/api/services/zapie-web-1/metrics?${q}`)).status, q).toBe(400)
      }
    })

    it('POST …/monitoring/start takes an interval of 1 s to 1 h in ms', async () => {
      let res = await target().request('/api/services/zapie-web-1/monitoring/start', json({ interval: 5000 }))
      expect(res.status).toBe(200)
      expect((await res.json()).monitoring).toMatchObject({ serviceId: 'zapie-web-1', enabled: true, intervalMs: 5000 })
      for (const body of [
        { interval: 999 },
        { interval: 3_600_001 },
        { interval: '5000' },
        { interval: 1500.5 },
        { interval: 5000, extra: 1 },
        { interval: -1 },
      ]) {
        res = await target().request('/api/services/zapie-web-1/monitoring/start', json(body))
        expect(res.status, JSON.stringify(body)).toBe(400)
        expect((await res.json()).code).toBe('invalid_input')
      }
      for (const ok of [1000, 3_600_000]) {
        expect(
          (await target().request('/api/services/zapie-web-1/monitoring/start', json({ interval: ok }))).status,
        ).toBe(200)
      }
      // No body: the default interval.
      res = await target().request('/api/services/zapie-web-1/monitoring/start', { method: 'POST', headers: auth })
      expect((await res.json()).monitoring.intervalMs).toBe(10_000)
    })

    it('POST …/monitoring/stop turns a service off in the status', async () => {
      const res = await target().request('/api/services/zapie-web-1/monitoring/stop', { method: 'POST', headers: auth })
      expect(res.status).toBe(200)
      const { body } = await get('/api/services/monitoring/status')
      expect(body.monitoring.services.find((s: { serviceId: string }) => s.serviceId === 'zapie-web-1')).toMatchObject({
        enabled: false,
      })
    })

    it.each([
      ['dot segments', '..%2Fx'],
      ['an encoded traversal', '%2e%2e%2f'],
      ['a 300-character id', 'a'.repeat(300)],
    ])('refuses %s with 400 on every per-service route', async (_, id) => {
      for (const path of [
        `/api/services/${id}/health`,
        `/api/services/${id}/metrics`,
        `/api/services/${id}/alerts/thresholds`,
      ]) {
        expect((await get(path)).status, path).toBe(400)
      }
      for (const path of [`/api/services/${id}/monitoring/start`, `/api/services/${id}/monitoring/stop`]) {
        expect((await target().request(path, json({ interval: 5000 }))).status, path).toBe(400)
      }
    })

    it('needs the token', async () => {
      expect((await target().request('/api/services/health/all')).status).toBe(401)
      expect((await target().request('/api/services/system/metrics')).status).toBe(401)
    })
  },
)

describe('agent RPC for monitoring', () => {
  const server = serveFakeAgent([fakeService('zapie-web-1')])
  const { token: TOKEN } = server
  const rpc = (method: string, args: unknown[]) =>
    fetch(`${server.url}/rpc/${method}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ args }),
    })

  it('validates what crosses the wire', async () => {
    expect((await rpc('startMonitoring', ['zapie-web-1', { intervalMs: 10 }])).status).toBe(400)
    expect((await rpc('startMonitoring', ['zapie-web-1', { intervalMs: 2000 }])).status).toBe(200)
    expect((await rpc('getMetrics', ['zapie-web-1', { timeRange: '2h' }])).status).toBe(400)
    expect((await rpc('setAlertWebhook', ['file:///etc/passwd', {}])).status).toBe(400)
    expect((await rpc('setAlertThresholds', [{ cpu: { warning: 101 } }, {}])).status).toBe(400)
    expect((await rpc('getHealth', ['../x', {}])).status).toBe(400)
  })
})
