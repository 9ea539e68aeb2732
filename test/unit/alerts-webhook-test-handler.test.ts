import { beforeEach, describe, expect, it } from 'vitest'
import { createEventHub } from '../../src/events/hub'
import type { WebhookTestResult } from '../../src/schemas/monitoring'
import { auth, buildTestApp } from '../helpers/app'
import { createFakeAgent, fakeService } from '../helpers/fake-agent'
import { describeBothWays } from '../helpers/targets'

let built: Awaited<ReturnType<typeof buildTestApp>>
let fake: ReturnType<typeof createFakeAgent>

beforeEach(async () => {
  const hub = createEventHub()
  fake = createFakeAgent(hub, [fakeService('zapie-web-1')])
  built = await buildTestApp({ agent: fake.agent, hub, env: { ZAPIE_BODY_LIMIT: '4096' } })
})

const SECRET_URL = 'https://hooks.example.com/services/T0/B0/s3cr3t?token=also-secret'
const json = (body: unknown, method = 'POST') => ({
  method,
  headers: { ...auth, 'content-type': 'application/json' },
  body: typeof body === 'string' ? body : JSON.stringify(body),
})
const report = (over: Partial<Extract<WebhookTestResult, { delivered: boolean }>>): WebhookTestResult => ({
  outcome: 'delivered',
  delivered: true,
  target: 'https://hooks.example.com/…',
  status: 204,
  durationMs: 12,
  message: 'https://hooks.example.com/… answered HTTP 204 in 12 ms',
  testedAt: '2026-01-01T00:00:10.000Z',
  ...over,
})

describeBothWays(
  'POST /api/alerts/webhook/test',
  () => built.app,
  (target) => {
    const test = async (body?: unknown) => {
      const res = await target().request(
        '/api/alerts/webhook/test',
        body === undefined ? { method: 'POST', headers: auth } : json(body),
      )
      return { status: res.status, headers: res.headers, body: await res.json() }
    }

    it('tests the saved webhook without a body, and shows its URL only as scheme and host', async () => {
      expect((await target().request('/api/alerts/webhook', json({ url: SECRET_URL }, 'PUT'))).status).toBe(200)
      for (const body of [undefined, {}, { url: null }]) {
        const { status, body: answer } = await test(body)
        expect(status, JSON.stringify(body)).toBe(200)
        expect(answer).toMatchObject({
          success: true,
          test: { outcome: 'delivered', delivered: true, status: 204, target: 'https://hooks.example.com/…' },
        })
        expect(JSON.stringify(answer)).not.toMatch(/s3cr3t|also-secret/)
      }
      expect(fake.monitoring.webhookTests.calls).toEqual([null, null, null])
    })

    it('tests a URL given in the body before it is saved, leaving the saved setting alone', async () => {
      const { status, body } = await test({ url: SECRET_URL })
      expect(status).toBe(200)
      expect(body.test).toMatchObject({ outcome: 'delivered', target: 'https://hooks.example.com/…' })
      expect(fake.monitoring.webhookTests.calls).toEqual([SECRET_URL])
      const saved = await target().request('/api/alerts/webhook', { headers: auth })
      expect((await saved.json()).webhook).toEqual({ configured: false, url: null })
    })

    it('answers every failed delivery as a 200 report the dashboard can show, never a 5xx', async () => {
      const failures: WebhookTestResult[] = [
        report({ outcome: 'http_error', delivered: false, status: 500, message: 'answered HTTP 500' }),
        report({
          outcome: 'http_error',
          delivered: false,
          status: 302,
          message: 'HTTP 302 (redirects are not followed)',
        }),
        report({ outcome: 'timeout', delivered: false, status: null, durationMs: 5001, message: 'No answer' }),
        report({ outcome: 'connection_refused', delivered: false, status: null, message: 'refused the connection' }),
        report({ outcome: 'network_error', delivered: false, status: null, message: 'does not resolve' }),
      ]
      fake.monitoring.webhookTests.script.push(...failures)
      for (const expected of failures) {
        const { status, body } = await test({ url: SECRET_URL })
        expect(status, expected.outcome).toBe(200)
        expect(body.test, expected.outcome).toEqual(expected)
      }
    })

    it('answers 409 webhook_not_configured when there is nothing to test', async () => {
      const { status, body } = await test()
      expect(status).toBe(409)
      expect(body).toMatchObject({ success: false, code: 'webhook_not_configured' })
      expect(body.error).toMatch(/No alert webhook is saved/)
    })

    it('answers 422 webhook_destination_refused when the agent refuses the resolved address', async () => {
      fake.monitoring.webhookTests.script.push({
        outcome: 'refused',
        target: 'http://rebind.example.com/…',
        rule: 'loopback',
        address: '127.0.0.1',
        message: 'Alert webhook destination refused: rebind.example.com resolves to 127.0.0.1, which is a loopback',
      })
      const { status, body } = await test({ url: 'http://rebind.example.com/hook' })
      expect(status).toBe(422)
      expect(body).toMatchObject({
        code: 'webhook_destination_refused',
        details: [{ path: 'url', code: 'loopback' }],
      })
    })

    it('answers 429 with Retry-After while a test runs or just ran', async () => {
      fake.monitoring.webhookTests.script.push({ outcome: 'busy', retryAfterSeconds: 3, message: 'wait 3 s' })
      const { status, headers, body } = await test({ url: SECRET_URL })
      expect(status).toBe(429)
      expect(headers.get('retry-after')).toBe('3')
      expect(body).toMatchObject({ success: false, code: 'webhook_test_busy', error: 'wait 3 s' })
    })

    it('refuses this host and the local network in every spelling without asking the agent to send', async () => {
      const refused: [string, string][] = [
        ['http://127.0.0.1:2375/containers/x/kill', 'loopback'],
        ['http://127.1:2375/', 'loopback'],
        ['http://2130706433:2375/', 'loopback'],
        ['http://0x7f000001:2375/', 'loopback'],
        ['http://0177.0.0.1/', 'loopback'],
        ['http://017700000001/', 'loopback'],
        ['http://localhost:2375/', 'loopback'],
        ['http://LOCALHOST./', 'loopback'],
        ['http://api.localhost/', 'loopback'],
        ['http://[::1]:2375/', 'loopback'],
        ['http://[0:0:0:0:0:0:0:1]/', 'loopback'],
        ['http://[::ffff:127.0.0.1]:2375/', 'loopback'],
        ['http://[::ffff:7f00:1]/', 'loopback'],
        ['http://0.0.0.0:2375/', 'unspecified'],
        ['http://0/', 'unspecified'],
        ['http://[::]/', 'unspecified'],
        ['http://10.0.0.5/hook', 'private'],
        ['http://192.168.1.20/hook', 'private'],
        ['http://172.16.0.1/hook', 'private'],
        ['http://[fd00::1]/hook', 'private'],
        ['http://169.254.169.254/latest/meta-data/', 'cloud_metadata'],
        ['http://[fd00:ec2::254]/latest/meta-data/', 'cloud_metadata'],
        ['http://169.254.1.1/', 'link_local'],
        ['http://[fe80::1]/', 'link_local'],
        ['http://100.64.0.1/', 'cgnat'],
        ['http://224.0.0.1/', 'multicast'],
        ['http://user:pw@127.0.0.1/hook', 'loopback'],
      ]
      for (const [url, rule] of refused) {
        const { status, body } = await test({ url })
        expect(status, url).toBe(422)
        expect(body, url).toMatchObject({ code: 'webhook_destination_refused', details: [{ path: 'url', code: rule }] })
        expect(JSON.stringify(body), url).not.toContain('pw@')
      }
      expect(fake.monitoring.webhookTests.calls).toEqual([])
    })

    it('refuses what is not an http(s) URL, unknown fields, a body too large and a body that is not JSON', async () => {
      for (const url of [
        'ftp://example.com/x',
        'javascript:alert(1)',
        'file:///etc/passwd',
        'gopher://127.0.0.1:6379/_FLUSHALL',
        'not a url',
        'http://',
        42,
        ['https://example.com'],
        `https://example.com/${'x'.repeat(3000)}`,
      ]) {
        expect((await test({ url })).status, String(url).slice(0, 40)).toBe(400)
      }
      expect((await test({ url: SECRET_URL, headers: { 'x-evil': '1' } })).status).toBe(400)
      expect((await test('{"url":')).status).toBe(400)
      expect((await test('')).status).toBe(400)
      const huge = await target().request(
        '/api/alerts/webhook/test',
        json({ url: SECRET_URL, pad: 'x'.repeat(10_000) }),
      )
      expect(huge.status).toBe(413)
      const text = await target().request('/api/alerts/webhook/test', {
        method: 'POST',
        headers: { ...auth, 'content-type': 'text/plain' },
        body: JSON.stringify({ url: SECRET_URL }),
      })
      expect(text.status).toBe(415)
      const form = await target().request('/api/alerts/webhook/test', {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' },
        body: `url=${encodeURIComponent('http://127.0.0.1/')}`,
      })
      expect(form.status).toBe(415)
      expect(fake.monitoring.webhookTests.calls).toEqual([])
    })

    it('needs the API token', async () => {
      const res = await target().request('/api/alerts/webhook/test', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ url: SECRET_URL }),
      })
      expect(res.status).toBe(401)
      expect(fake.monitoring.webhookTests.calls).toEqual([])
    })
  },
)

describe('POST /api/alerts/webhook/test with ZAPIE_WEBHOOK_ALLOW_PRIVATE', () => {
  it('lets a receiver on the local network be tested, but never one of our own listeners', async () => {
    const hub = createEventHub()
    const agent = createFakeAgent(hub, [])
    const { app } = await buildTestApp({
      agent: agent.agent,
      hub,
      env: { ZAPIE_WEBHOOK_ALLOW_PRIVATE: 'true', PORT: '5000' },
    })
    const ok = await app.request('/api/alerts/webhook/test', json({ url: 'http://192.168.1.20:8080/hook' }))
    expect(ok.status).toBe(200)
    for (const url of ['http://127.0.0.1:5000/api/services/x/stop', 'http://localhost:5001/rpc/removeService']) {
      const res = await app.request('/api/alerts/webhook/test', json({ url }))
      expect(res.status, url).toBe(422)
      expect((await res.json()).details, url).toMatchObject([{ code: 'own_listener' }])
    }
    expect(agent.monitoring.webhookTests.calls).toEqual(['http://192.168.1.20:8080/hook'])
  })
})
