import { beforeEach, describe, expect, it } from 'vitest'
import { createEventHub } from '../../src/events/hub'
import type { AlertRecord } from '../../src/schemas/monitoring'
import { auth, buildTestApp } from '../helpers/app'
import { createFakeAgent, fakeService } from '../helpers/fake-agent'
import { describeBothWays } from '../helpers/targets'

let built: Awaited<ReturnType<typeof buildTestApp>>
let fake: ReturnType<typeof createFakeAgent>

const alert = (over: Partial<AlertRecord>): AlertRecord => ({
  id: 'a1',
  rule: 'cpu_warning',
  severity: 'warning',
  state: 'firing',
  serviceId: 'zapie-web-1',
  containerId: null,
  serviceName: 'zapie-web-1',
  message: 'CPU high',
  value: 90,
  threshold: 80,
  startedAt: '2026-01-01T00:00:00.000Z',
  resolvedAt: null,
  lastNotifiedAt: '2026-01-01T00:00:00.000Z',
  notifications: 1,
  ...over,
})

beforeEach(async () => {
  const services = [fakeService('zapie-web-1'), fakeService('zapie-db-2')]
  const hub = createEventHub()
  fake = createFakeAgent(hub, services)
  built = await buildTestApp({ agent: fake.agent, hub })
  fake.monitoring.alerts.push(
    alert({}),
    alert({
      id: 'a2',
      rule: 'container_down',
      serviceId: 'zapie-db-2',
      state: 'resolved',
      resolvedAt: '2026-01-01T01:00:00.000Z',
    }),
  )
})

const put = (body: unknown) => ({
  method: 'PUT',
  headers: { ...auth, 'content-type': 'application/json' },
  body: JSON.stringify(body),
})

describeBothWays(
  'alerts handlers',
  () => built.app,
  (target) => {
    const get = async (path: string) => {
      const res = await target().request(path, { headers: auth })
      return { status: res.status, body: await res.json() }
    }

    it('GET /api/alerts lists active and recent alerts, filtered by service', async () => {
      const all = await get('/api/alerts')
      expect(all.status).toBe(200)
      expect(all.body).toMatchObject({
        active: [{ alertId: 'a1', state: 'firing' }],
        recent: [{ alertId: 'a2', state: 'resolved' }],
        total: 2,
      })
      // One name for an alert's id in every response and event.
      expect(all.body.active[0]).not.toHaveProperty('id')
      const one = await get('/api/alerts?serviceId=zapie-db-2')
      expect(one.body).toMatchObject({ active: [], recent: [{ alertId: 'a2' }] })
      expect((await get('/api/alerts?limit=0')).status).toBe(400)
      expect((await get('/api/alerts?state=firing')).status).toBe(400)
    })

    it('GET /api/alerts/thresholds shows the levels in effect, the defaults and every rule name', async () => {
      const { status, body } = await get('/api/alerts/thresholds')
      expect(status).toBe(200)
      expect(body.thresholds).toMatchObject({
        cpu: { warning: 80, critical: 95, warningClear: 75, criticalClear: 90 },
        consecutiveSamples: 3,
        reminderMs: 1_800_000,
      })
      expect(body.rules).toEqual(
        expect.arrayContaining([
          'cpu_critical',
          'memory_critical',
          'container_down',
          'unreachable',
          'restarts',
          'unhealthy',
          'backup_missing',
        ]),
      )
      expect(body.webhook).toEqual({ configured: false, url: null })
    })

    it('PUT /api/alerts/thresholds saves an override and refuses incoherent or unknown input', async () => {
      const ok = await target().request(
        '/api/alerts/thresholds',
        put({ cpu: { warning: 70, warningClear: 60 }, consecutiveSamples: 5 }),
      )
      expect(ok.status).toBe(200)
      expect((await ok.json()).thresholds).toMatchObject({
        cpu: { warning: 70, warningClear: 60, critical: 95 },
        consecutiveSamples: 5,
      })
      const bad = [
        { cpu: { warningClear: 90 } }, // clears above where it fires
        { cpu: { warning: 101 } },
        { consecutiveSamples: 0 },
        { reminderMs: 1000 },
        { disabledRules: ['no_such_rule'] },
        { cpu: { warning: 70, surprise: true } },
        { bogus: 1 },
      ]
      for (const body of bad) {
        const res = await target().request('/api/alerts/thresholds', put(body))
        expect(res.status, JSON.stringify(body)).toBe(400)
      }
    })

    it('per-service thresholds override the global ones; {} removes the override', async () => {
      let res = await target().request(
        '/api/services/zapie-web-1/alerts/thresholds',
        put({ memory: { warning: 50, warningClear: 40 } }),
      )
      expect(res.status).toBe(200)
      expect(await res.json()).toMatchObject({
        serviceId: 'zapie-web-1',
        overrides: { memory: { warning: 50 } },
        effective: { memory: { warning: 50, critical: 95 } },
      })
      expect((await get('/api/services/zapie-web-1/alerts/thresholds')).body.effective.memory.warning).toBe(50)
      expect((await get('/api/services/zapie-db-2/alerts/thresholds')).body.effective.memory.warning).toBe(80)
      res = await target().request('/api/services/zapie-web-1/alerts/thresholds', put({}))
      expect((await res.json()).effective.memory.warning).toBe(80)
      expect((await target().request('/api/services/zapie-ghost/alerts/thresholds', put({}))).status).toBe(404)
    })

    it('PUT /api/alerts/webhook takes an http(s) URL or null and never shows its secret parts', async () => {
      const res = await target().request(
        '/api/alerts/webhook',
        put({ url: 'https://hooks.example.com/services/T0/B0/s3cr3t' }),
      )
      expect(res.status).toBe(200)
      const body = await res.json()
      expect(body.webhook).toEqual({ configured: true, url: 'https://hooks.example.com/…' })
      expect(JSON.stringify(body)).not.toContain('s3cr3t')
      expect(JSON.stringify((await get('/api/alerts/webhook')).body)).not.toContain('s3cr3t')
      expect(JSON.stringify((await get('/api/alerts/thresholds')).body)).not.toContain('s3cr3t')
      for (const url of [
        'ftp://example.com/x',
        'javascript:alert(1)',
        'file:///etc/passwd',
        'not a url',
        'http://',
        42,
        `https://example.com/${'x'.repeat(3000)}`,
      ]) {
        expect((await target().request('/api/alerts/webhook', put({ url }))).status, String(url).slice(0, 40)).toBe(400)
      }
      expect((await target().request('/api/alerts/webhook', put({}))).status).toBe(400)
      const cleared = await target().request('/api/alerts/webhook', put({ url: null }))
      expect((await cleared.json()).webhook).toEqual({ configured: false, url: null })
    })

    it('PUT /api/alerts/webhook refuses this host and the local network in every spelling with 422 naming the rule', async () => {
      const refused: [string, string][] = [
        ['http://127.0.0.1:2375/containers/x/kill', 'loopback'],
        ['http://127.1:2375/', 'loopback'],
        ['http://2130706433:2375/', 'loopback'],
        ['http://0x7f000001:2375/', 'loopback'],
        ['http://0177.0.0.1/', 'loopback'],
        ['http://localhost:2375/', 'loopback'],
        ['http://[::1]:2375/', 'loopback'],
        ['http://[::ffff:127.0.0.1]:2375/', 'loopback'],
        ['http://0.0.0.0:2375/', 'unspecified'],
        ['http://10.0.0.5/hook', 'private'],
        ['http://192.168.1.20/hook', 'private'],
        ['http://172.16.0.1/hook', 'private'],
        ['http://[fd00::1]/hook', 'private'],
        ['http://169.254.169.254/latest/meta-data/', 'cloud_metadata'],
        ['http://169.254.1.1/', 'link_local'],
        ['http://100.64.0.1/', 'cgnat'],
        ['http://224.0.0.1/', 'multicast'],
      ]
      for (const [url, rule] of refused) {
        const res = await target().request('/api/alerts/webhook', put({ url }))
        expect(res.status, url).toBe(422)
        const body = await res.json()
        expect(body, url).toMatchObject({
          success: false,
          code: 'webhook_destination_refused',
          details: [{ path: 'url', code: rule }],
        })
        expect(body.error, url).toMatch(/refused/)
        expect(body.requestId, url).toEqual(expect.any(String))
      }
      expect((await get('/api/alerts/webhook')).body.webhook).toEqual({ configured: false, url: null })
      for (const url of [
        'https://1.1.1.1/hook',
        'https://[2606:4700:4700::1111]/hook',
        'https://hooks.slack.com/services/T0/B0/x',
      ]) {
        expect((await target().request('/api/alerts/webhook', put({ url }))).status, url).toBe(200)
      }
    })
  },
)

describe('PUT /api/alerts/webhook with ZAPIE_WEBHOOK_ALLOW_PRIVATE', () => {
  it('saves a receiver on the local network, but never one of our own listeners', async () => {
    const { app } = await buildTestApp({ env: { ZAPIE_WEBHOOK_ALLOW_PRIVATE: 'true', PORT: '5000' } })
    const ok = await app.request('/api/alerts/webhook', put({ url: 'http://192.168.1.20:8080/hook' }))
    expect(ok.status).toBe(200)
    expect((await ok.json()).webhook).toEqual({ configured: true, url: 'http://192.168.1.20:8080/…' })
    expect((await app.request('/api/alerts/webhook', put({ url: 'http://127.0.0.1:9000/hook' }))).status).toBe(200)
    for (const url of ['http://127.0.0.1:5000/api/services/x/stop', 'http://localhost:5001/rpc/remove']) {
      const res = await app.request('/api/alerts/webhook', put({ url }))
      expect(res.status, url).toBe(422)
      expect((await res.json()).details, url).toMatchObject([{ code: 'own_listener' }])
    }
  })

  it('saves only inside the listed CIDRs', async () => {
    const { app } = await buildTestApp({ env: { ZAPIE_WEBHOOK_ALLOW_PRIVATE: '192.168.1.0/24' } })
    expect((await app.request('/api/alerts/webhook', put({ url: 'http://192.168.1.20/hook' }))).status).toBe(200)
    expect((await app.request('/api/alerts/webhook', put({ url: 'http://192.168.2.20/hook' }))).status).toBe(422)
    expect((await app.request('/api/alerts/webhook', put({ url: 'http://127.0.0.1:9000/hook' }))).status).toBe(422)
  })
})
