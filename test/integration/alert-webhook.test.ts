import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Lookup } from '../../src/agent/monitor/webhook-target'
import { auth } from '../helpers/app'
import { createTestContainer, docker, dockerCli, RUN_ID } from '../helpers/docker'
import { collect, FAST } from '../helpers/monitor'
import { AGENT_MODES, appWithRealAgent } from '../helpers/real-agent'
import { startWebhookReceiver } from '../helpers/webhook-receiver'

/** This file's containers carry their own run id, and it removes them itself. */
const LABEL = `webhook-${RUN_ID}`
afterAll(async () => {
  const containers = await docker.listContainers({ all: true, filters: { label: [`zapie.test=${LABEL}`] } })
  await Promise.all(
    containers.map((c) =>
      docker
        .getContainer(c.Id)
        .remove({ force: true, v: true })
        .catch(() => {}),
    ),
  )
})

/**
 * A name only this resolver knows (.invalid never resolves for real, RFC 6761): it answers a
 * public address first and 127.0.0.1 afterwards, the way a DNS rebinding attack does.
 */
const NAME = 'alerts.hooks.invalid'
function rebindingLookup(first: string) {
  let calls = 0
  const lookup: Lookup = async (hostname) => {
    if (hostname !== NAME) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' })
    calls += 1
    return [{ address: calls === 1 ? first : '127.0.0.1', family: 4 }]
  }
  return lookup
}

describe.each(AGENT_MODES)('alert webhook destinations against the real engine [%s agent]', (mode) => {
  let hook: Awaited<ReturnType<typeof startWebhookReceiver>>
  beforeAll(async () => {
    hook = await startWebhookReceiver()
  })
  afterAll(async () => hook.close())
  beforeEach(() => {
    hook.got.length = 0
  })

  async function withAgent(
    env: Record<string, string>,
    lookup: Lookup | undefined,
    run: (ctx: Awaited<ReturnType<typeof appWithRealAgent>>) => Promise<void>,
  ) {
    const ctx = await appWithRealAgent(mode, {
      env,
      monitor: { ...FAST, webhook: { lookup, backoffMs: 50, retries: 1, timeoutMs: 2000 } },
    })
    try {
      await run(ctx)
    } finally {
      await ctx.close()
    }
  }
  const putWebhook = async (ctx: Awaited<ReturnType<typeof appWithRealAgent>>, url: string) => {
    const res = await ctx.app.request('/api/alerts/webhook', {
      method: 'PUT',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ url }),
    })
    return { status: res.status, body: await res.json() }
  }
  /** Kills a fresh managed container and waits until its container_down alert was handed to the webhook. */
  async function killAndAlert(ctx: Awaited<ReturnType<typeof appWithRealAgent>>) {
    const svc = await createTestContainer({ labels: { 'zapie.test': LABEL } })
    const events = collect(ctx.deps.events, svc.name, ['health-alert', 'health-update'])
    try {
      await events.ticks(1)
      await dockerCli('kill', svc.name)
      await events.waitFor('health-alert', (d) => d.rule === 'container_down' && d.state === 'firing')
      await ctx.host.alerting.webhook.idle()
      return svc.name
    } finally {
      events.stop()
      await dockerCli('rm', '-f', svc.name)
    }
  }
  const alertsFor = (serviceId: string) => hook.got.filter((g) => g.body.alert?.serviceId === serviceId)

  it('refuses to save a name the agent resolves to loopback, with 422 naming the rule', async () => {
    await withAgent({}, rebindingLookup('127.0.0.1'), async (ctx) => {
      const { status, body } = await putWebhook(ctx, `http://${NAME}:${hook.port}/hook`)
      expect(status).toBe(422)
      expect(body).toMatchObject({
        success: false,
        code: 'webhook_destination_refused',
        details: [{ code: 'loopback' }],
      })
      expect(body.error).toContain(`${NAME} resolves to 127.0.0.1`)
      const saved = await ctx.app.request('/api/alerts/webhook', { headers: auth })
      expect((await saved.json()).webhook).toEqual({ configured: false, url: null })
    })
  })

  it('does not deliver to a stored URL whose name resolves to loopback (localhost, saved before this check)', async () => {
    // The system resolver: localhost is 127.0.0.1 (or ::1) for real.
    await withAgent({}, undefined, async (ctx) => {
      // As an older version saved it: the store holds it, nothing judged it.
      await ctx.host.alerting.thresholds.setWebhookUrl(`http://localhost:${hook.port}/hook`)
      await killAndAlert(ctx)
      expect(hook.got).toEqual([])
      expect(ctx.host.alerting.webhook.stats().failed).toBeGreaterThanOrEqual(1)
    })
  })

  it('does not deliver an alert when the name resolves to loopback at send time (DNS rebinding)', async () => {
    await withAgent({}, rebindingLookup('93.184.216.34'), async (ctx) => {
      // Public when saved; 127.0.0.1 when the alert is sent.
      expect((await putWebhook(ctx, `http://${NAME}:${hook.port}/hook`)).status).toBe(200)
      await killAndAlert(ctx)
      expect(hook.got).toEqual([])
      expect(ctx.host.alerting.webhook.stats()).toMatchObject({ delivered: 0 })
      expect(ctx.host.alerting.webhook.stats().failed).toBeGreaterThanOrEqual(1)
    })
  })

  it('delivers the alert to the same receiver with ZAPIE_WEBHOOK_ALLOW_PRIVATE, keeping the name as Host', async () => {
    await withAgent({ ZAPIE_WEBHOOK_ALLOW_PRIVATE: '127.0.0.1/32' }, rebindingLookup('127.0.0.1'), async (ctx) => {
      expect((await putWebhook(ctx, `http://${NAME}:${hook.port}/hook`)).status).toBe(200)
      const serviceId = await killAndAlert(ctx)
      expect(alertsFor(serviceId)).toMatchObject([
        { host: `${NAME}:${hook.port}`, body: { alert: { rule: 'container_down', state: 'firing' } } },
      ])
    })
  })

  it('does not follow a redirect: the receiver it points to gets nothing', async () => {
    const stolen = await startWebhookReceiver()
    const redirecting = await startWebhookReceiver((res) =>
      res.writeHead(302, { location: `http://127.0.0.1:${stolen.port}/stolen` }).end(),
    )
    try {
      await withAgent({ ZAPIE_WEBHOOK_ALLOW_PRIVATE: 'true' }, rebindingLookup('127.0.0.1'), async (ctx) => {
        expect((await putWebhook(ctx, `http://127.0.0.1:${redirecting.port}/hook`)).status).toBe(200)
        await killAndAlert(ctx)
        expect(redirecting.got.length).toBeGreaterThanOrEqual(1)
        expect(stolen.got).toEqual([])
        expect(ctx.host.alerting.webhook.stats().delivered).toBe(0)
      })
    } finally {
      await Promise.all([stolen.close(), redirecting.close()])
    }
  })
})
