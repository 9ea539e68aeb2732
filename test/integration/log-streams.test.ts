import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openSockets } from '../../src/agent/docker'
import { auth } from '../helpers/app'
import { cleanupTestResources, createTestContainer, docker } from '../helpers/docker'
import { collect, FAST, until } from '../helpers/monitor'
import { AGENT_MODES, appWithRealAgent } from '../helpers/real-agent'
import { openEventStream } from '../helpers/sse-client'
import { listen } from '../helpers/targets'

afterAll(cleanupTestResources)

const STREAMS = 20

/**
 * Issue #10 item 3: open log follows used to take the agent's ten pooled Docker sockets, so the
 * API's Docker-backed routes and the monitor stalled and no alert could be raised.
 */
describe.each(AGENT_MODES)('log follow streams against the real engine [%s agent]', (mode) => {
  let ctx: Awaited<ReturnType<typeof appWithRealAgent>>
  let server: Awaited<ReturnType<typeof listen>>
  let ticker: Awaited<ReturnType<typeof createTestContainer>>

  beforeAll(async () => {
    // One test client: the per-client cap is lifted so that the total cap is the one reached.
    ctx = await appWithRealAgent(mode, {
      monitor: FAST,
      env: { ZAPIE_LOG_FOLLOW_PER_CLIENT: '100', ZAPIE_LOG_FOLLOW_MAX: String(STREAMS) },
    })
    server = await listen(ctx.app)
    ticker = await createTestContainer({
      cmd: ['sh', '-c', 'trap "exit 0" TERM; i=0; while true; do echo tick $i; i=$((i+1)); sleep 0.1; done'],
    })
  })
  afterAll(async () => {
    await server?.close()
    await ctx?.close()
  })

  const follow = () => openEventStream(`${server.url}/api/services/${ticker.name}/logs?follow=true&tail=1`, auth)

  it(`keeps the API and the monitor answering while ${STREAMS} follows are open, refuses more with 429, and frees every socket when the clients go`, async () => {
    // The docker events subscription holds its one stream connection throughout.
    const idle = openSockets(ctx.host.streams)
    const events = collect(ctx.host.hub, ticker.name, ['health-update'])
    const streams = await Promise.all(Array.from({ length: STREAMS }, follow))
    try {
      // Every stream is live: each has received lines.
      await Promise.all(streams.map((s) => s.waitFor((e) => e.event === 'log', 15_000)))

      const list = await fetch(`${server.url}/api/services`, { headers: auth, signal: AbortSignal.timeout(5_000) })
      expect(list.status).toBe(200)
      expect((await list.json()).services.map((s: { name: string }) => s.name)).toContain(ticker.name)
      const one = await fetch(`${server.url}/api/services/${ticker.name}`, {
        headers: auth,
        signal: AbortSignal.timeout(5_000),
      })
      expect(one.status).toBe(200)
      // The monitor still ticks: fresh health updates for the service arrive.
      await events.ticks(2, 'health-update', 10_000)

      const refused = await fetch(`${server.url}/api/services/${ticker.name}/logs?follow=true`, {
        headers: auth,
        signal: AbortSignal.timeout(5_000),
      })
      expect(refused.status).toBe(429)
      expect(await refused.json()).toMatchObject({
        success: false,
        code: 'too_many_streams',
        error: expect.stringContaining(String(STREAMS)),
      })
    } finally {
      for (const s of streams) s.close()
      events.stop()
    }

    // Every Docker connection a follow held is closed once its client has gone.
    expect(idle).toBeLessThanOrEqual(1)
    await until(async () => openSockets(ctx.host.streams) === idle, 10_000, 'the stream sockets to close')
    expect(openSockets(docker)).toBeLessThanOrEqual(10)
    // And the slots are free again.
    const again = await follow()
    await again.waitFor((e) => e.event === 'log', 10_000)
    again.close()
    await until(async () => openSockets(ctx.host.streams) === idle, 10_000, 'the last stream socket to close')
  })

  it('closes the Docker connection of a follow abandoned before it answered', async () => {
    const idle = openSockets(ctx.host.streams)
    const aborts = Array.from({ length: 8 }, (_, i) => {
      const controller = new AbortController()
      const done = fetch(`${server.url}/api/services/${ticker.name}/logs?follow=true`, {
        headers: auth,
        signal: controller.signal,
      }).catch(() => null)
      setTimeout(() => controller.abort(), i * 15)
      return done
    })
    await Promise.all(aborts)
    await until(
      async () => openSockets(ctx.host.streams) === idle,
      10_000,
      'abandoned follows to release their sockets',
    )
    const list = await fetch(`${server.url}/api/services`, { headers: auth, signal: AbortSignal.timeout(5_000) })
    expect(list.status).toBe(200)
  })
})
