import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Lookup } from '../../src/agent/monitor/webhook-target'
import { auth } from '../helpers/app'
import { FAST } from '../helpers/monitor'
import { AGENT_MODES, appWithRealAgent } from '../helpers/real-agent'
import { startWebhookReceiver } from '../helpers/webhook-receiver'

/** A name only this resolver knows (.invalid never resolves for real): it is 127.0.0.1. */
const NAME = 'alerts.hooks.invalid'
const lookup: Lookup = async (hostname) => {
  if (hostname === NAME) return [{ address: '127.0.0.1', family: 4 }]
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' })
}
const SECRET = '/services/T000/B000/s3cr3t-token?key=also-secret'

describe.each(AGENT_MODES)('POST /api/alerts/webhook/test against the real agent [%s agent]', (mode) => {
  let hook: Awaited<ReturnType<typeof startWebhookReceiver>>
  beforeAll(async () => {
    hook = await startWebhookReceiver()
  })
  afterAll(async () => hook.close())
  beforeEach(() => {
    hook.got.length = 0
    hook.state.answer = (res) => void res.writeHead(204).end()
  })

  /** A fresh agent per test: each has its own one-at-a-time lock and cooldown. */
  async function withAgent(
    env: Record<string, string>,
    run: (ctx: Awaited<ReturnType<typeof appWithRealAgent>>) => Promise<void>,
  ) {
    const ctx = await appWithRealAgent(mode, { env, monitor: { ...FAST, webhook: { lookup, timeoutMs: 500 } } })
    try {
      await run(ctx)
    } finally {
      await ctx.close()
    }
  }
  const ALLOW = { ZAPIE_WEBHOOK_ALLOW_PRIVATE: '127.0.0.1/32' }
  const post = async (ctx: Awaited<ReturnType<typeof appWithRealAgent>>, body?: unknown) => {
    const res = await ctx.app.request('/api/alerts/webhook/test', {
      method: 'POST',
      headers: body === undefined ? auth : { ...auth, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.json() }
  }

  it('delivers a marked test alert to the saved webhook and reports the status and time taken', async () => {
    await withAgent(ALLOW, async (ctx) => {
      const url = `http://${NAME}:${hook.port}${SECRET}`
      const saved = await ctx.app.request('/api/alerts/webhook', {
        method: 'PUT',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ url }),
      })
      expect(saved.status).toBe(200)
      const { status, body } = await post(ctx)
      expect(status).toBe(200)
      expect(body.test).toMatchObject({
        outcome: 'delivered',
        delivered: true,
        status: 204,
        target: `http://${NAME}:${hook.port}/…`,
        durationMs: expect.any(Number),
      })
      expect(JSON.stringify(body)).not.toMatch(/s3cr3t|also-secret/)
      expect(hook.got).toMatchObject([
        {
          path: SECRET,
          host: `${NAME}:${hook.port}`,
          body: { event: 'health-alert', test: true, alert: { rule: 'webhook_test' } },
        },
      ])
      // Right after it, a second test waits its turn (the header crosses the agent's wire too).
      const again = await post(ctx)
      expect(again.status).toBe(429)
      expect(Number(again.retryAfter)).toBeGreaterThanOrEqual(1)
      expect(again.body.code).toBe('webhook_test_busy')
      expect(hook.got).toHaveLength(1)
    })
  })

  it('reports a non-2xx answer from a URL given before saving', async () => {
    hook.state.answer = (res) => void res.writeHead(500).end()
    await withAgent(ALLOW, async (ctx) => {
      const { status, body } = await post(ctx, { url: `http://127.0.0.1:${hook.port}/hook` })
      expect(status).toBe(200)
      expect(body.test).toMatchObject({ outcome: 'http_error', delivered: false, status: 500 })
      expect(hook.got).toHaveLength(1)
      const settings = await ctx.app.request('/api/alerts/webhook', { headers: auth })
      expect((await settings.json()).webhook).toEqual({ configured: false, url: null })
    })
  })

  it('refuses a name that resolves to loopback without the opt-in, and sends nothing', async () => {
    await withAgent({}, async (ctx) => {
      const { status, body } = await post(ctx, { url: `http://${NAME}:${hook.port}/hook` })
      expect(status).toBe(422)
      expect(body).toMatchObject({ code: 'webhook_destination_refused', details: [{ code: 'loopback' }] })
      expect(body.error).toContain(`${NAME} resolves to 127.0.0.1`)
      expect(hook.got).toEqual([])
    })
  })

  it('reports a receiver that does not answer within the timeout', async () => {
    hook.state.answer = () => {}
    await withAgent(ALLOW, async (ctx) => {
      const { status, body } = await post(ctx, { url: `http://127.0.0.1:${hook.port}${SECRET}` })
      expect(status).toBe(200)
      expect(body.test).toMatchObject({ outcome: 'timeout', delivered: false, status: null })
      expect(body.test.message).toContain('within 500 ms')
      expect(JSON.stringify(body)).not.toMatch(/s3cr3t|also-secret/)
    })
  })
})
