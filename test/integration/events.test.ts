import net from 'node:net'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDockerClient } from '../../src/agent/docker'
import { watchDockerEvents } from '../../src/agent/docker-events'
import { createEventHub } from '../../src/events/hub'
import { silentLogger } from '../../src/logger'
import { auth } from '../helpers/app'
import { cleanupTestResources, createTestContainer, dockerCli } from '../helpers/docker'
import { AGENT_MODES, appWithRealAgent } from '../helpers/real-agent'
import { openEventStream } from '../helpers/sse-client'
import { listen } from '../helpers/targets'

afterAll(cleanupTestResources)

describe.each(AGENT_MODES)('GET /api/events against the real engine [%s agent]', (mode) => {
  let ctx: Awaited<ReturnType<typeof appWithRealAgent>>
  let server: Awaited<ReturnType<typeof listen>>
  beforeAll(async () => {
    ctx = await appWithRealAgent(mode)
    server = await listen(ctx.app)
  })
  afterAll(async () => {
    await server.close()
    await ctx.close()
  })

  it('shows a docker CLI stop and start as container-event within a second', async () => {
    const svc = await createTestContainer()
    const stream = await openEventStream(`${server.url}/api/events?types=container-event&services=${svc.name}`, auth)
    await dockerCli('stop', '-t', '1', svc.name)
    const stop = await stream.waitFor((e) => JSON.parse(e.data).action === 'stop', 1000)
    expect(JSON.parse(stop.data)).toMatchObject({
      containerId: svc.id,
      serviceId: svc.name,
      timestamp: expect.any(String),
    })
    const die = stream.received.find((e) => JSON.parse(e.data).action === 'die')
    expect(JSON.parse(die!.data).exitCode).toBe(0)
    await dockerCli('start', svc.name)
    await stream.waitFor((e) => JSON.parse(e.data).action === 'start', 1000)
    stream.close()
  })

  it('reports a crash as die with its exit code, and destroy on removal', async () => {
    const svc = await createTestContainer({ start: false, cmd: ['sh', '-c', 'exit 7'] })
    const stream = await openEventStream(`${server.url}/api/events?services=${svc.name}`, auth)
    await dockerCli('start', svc.name)
    const die = await stream.waitFor((e) => e.event === 'container-event' && JSON.parse(e.data).action === 'die', 2000)
    expect(JSON.parse(die.data).exitCode).toBe(7)
    await dockerCli('rm', svc.name)
    await stream.waitFor((e) => JSON.parse(e.data).action === 'destroy', 2000)
    stream.close()
  })

  it('never shows events of unmanaged containers', async () => {
    const other = await createTestContainer({ managed: false })
    const marker = await createTestContainer()
    const stream = await openEventStream(`${server.url}/api/events?types=container-event`, auth)
    await dockerCli('stop', '-t', '1', other.name)
    await dockerCli('stop', '-t', '1', marker.name)
    await stream.waitFor(
      (e) => JSON.parse(e.data).serviceId === marker.name && JSON.parse(e.data).action === 'stop',
      2000,
    )
    expect(stream.received.some((e) => e.data.includes(other.id))).toBe(false)
    stream.close()
  })

  it('replays what happened while a client was away, given Last-Event-ID', async () => {
    const svc = await createTestContainer()
    const first = await openEventStream(`${server.url}/api/events?services=${svc.name}`, auth)
    await dockerCli('stop', '-t', '1', svc.name)
    const seen = await first.waitFor((e) => JSON.parse(e.data).action === 'stop', 2000)
    first.close()
    // While disconnected: start, stop, start.
    await dockerCli('start', svc.name)
    await dockerCli('stop', '-t', '1', svc.name)
    await dockerCli('start', svc.name)
    const second = await openEventStream(`${server.url}/api/events?services=${svc.name}`, {
      ...auth,
      'last-event-id': seen.id!,
    })
    await second.waitFor(
      (e) =>
        e.event === 'container-event' &&
        JSON.parse(e.data).action === 'start' &&
        second.received.filter((x) => JSON.parse(x.data).action === 'start').length === 2,
      3000,
    )
    const actions = second.received.filter((e) => e.event === 'container-event').map((e) => JSON.parse(e.data).action)
    expect(actions.filter((a) => ['start', 'stop'].includes(a))).toEqual(['start', 'stop', 'start'])
    const ids = second.received.map((e) => Number(e.id!.split('-')[1]))
    expect(ids).toEqual([...ids].sort((a, b) => a - b))
    expect(ids[0]).toBeGreaterThan(Number(seen.id!.split('-')[1]))
    second.close()
  })

  it('lets an EventSource client in with a ticket instead of a header', async () => {
    const svc = await createTestContainer()
    const { ticket } = await (await fetch(`${server.url}/api/events/ticket`, { method: 'POST', headers: auth })).json()
    const stream = await openEventStream(`${server.url}/api/events?ticket=${ticket}&services=${svc.name}`)
    expect(stream.response.status).toBe(200)
    await dockerCli('restart', '-t', '1', svc.name)
    await stream.waitFor((e) => JSON.parse(e.data).action === 'restart', 3000)
    stream.close()
  })
})

describe('docker events watcher', () => {
  it('reconnects when the engine connection drops and catches up on what it missed', async () => {
    // A socket proxy in front of the real engine stands in for an engine restart: cutting it
    // drops the events stream exactly as a dockerd restart does, without stopping anyone's containers.
    const dir = mkdtempSync(join(tmpdir(), 'zapie-proxy-'))
    const proxyPath = join(dir, 'docker.sock')
    const upstream = (process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock').replace('unix://', '')
    const sockets = new Set<net.Socket>()
    let accepting = true
    const proxy = net.createServer((client) => {
      if (!accepting) return client.destroy()
      const engine = net.connect(upstream)
      sockets.add(client).add(engine)
      client.pipe(engine).pipe(client)
      const drop = () => {
        client.destroy()
        engine.destroy()
      }
      client.on('error', drop).on('close', drop)
      engine.on('error', drop).on('close', drop)
    })
    await new Promise<void>((r) => proxy.listen(proxyPath, r))
    const hub = createEventHub()
    const watcher = watchDockerEvents(createDockerClient(`unix://${proxyPath}`), hub, silentLogger, { retryMs: 200 })
    try {
      await watcher.ready
      const svc = await createTestContainer()
      const seen: string[] = []
      const ac = new AbortController()
      void (async () => {
        for await (const item of hub.subscribe({ signal: ac.signal, filter: { services: [svc.name] } })) {
          if (item.kind === 'event') seen.push(String(item.event.data.action))
        }
      })()
      // The engine goes away; while it is away the container is stopped.
      accepting = false
      for (const s of sockets) s.destroy()
      await dockerCli('stop', '-t', '1', svc.name)
      accepting = true
      const deadline = Date.now() + 5000
      while (!seen.includes('stop') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
      expect(seen).toContain('stop')
      await dockerCli('start', svc.name)
      while (!seen.includes('start') && Date.now() < deadline + 2000) await new Promise((r) => setTimeout(r, 50))
      expect(seen.filter((a) => a === 'stop')).toHaveLength(1)
      expect(seen).toContain('start')
      ac.abort()
    } finally {
      watcher.stop()
      proxy.close()
      for (const s of sockets) s.destroy()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
