import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { HealthStatus } from '../../src/schemas/monitoring'
import { auth } from '../helpers/app'
import { cleanupTestResources, createTestContainer, dockerCli } from '../helpers/docker'
import { BUSY_CMD, collect, FAST, until } from '../helpers/monitor'
import { AGENT_MODES, appWithRealAgent } from '../helpers/real-agent'

afterAll(cleanupTestResources)

const IPV4 = /\b(?:\d{1,3}\.){3}\d{1,3}\b/
const MAC = /\b[0-9a-f]{2}(?::[0-9a-f]{2}){5}\b/i

describe.each(AGENT_MODES)('monitoring against the real engine [%s agent]', (mode) => {
  let ctx: Awaited<ReturnType<typeof appWithRealAgent>>
  const api = async (path: string, init: RequestInit & { json?: unknown } = {}) => {
    const { json, ...rest } = init
    const res = await ctx.app.request(path, {
      ...rest,
      ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
      headers: {
        ...auth,
        ...(json !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(rest.headers as Record<string, string>),
      },
    })
    return { status: res.status, body: await res.json() }
  }
  const alertsOf = (events: ReturnType<typeof collect>, rule: string, state: string) =>
    events.of('health-alert', (d) => d.rule === rule && d.state === state && d.reminder === false)

  beforeAll(async () => {
    ctx = await appWithRealAgent(mode, { monitor: FAST })
  })
  afterAll(async () => ctx.close())

  it('raises a CPU alert for a busy loop under --cpus 0.2, with the percentage of its limit', async () => {
    const busy = await createTestContainer({ cmd: BUSY_CMD, hostConfig: { NanoCpus: 200_000_000 } })
    try {
      const events = collect(ctx.deps.events, busy.name, ['health-alert', 'metrics-update'])
      // A lower level for this service keeps the test meaningful when other work shares the 2 cores.
      const set = await api(`/api/services/${busy.name}/alerts/thresholds`, {
        method: 'PUT',
        json: { cpu: { warning: 60, warningClear: 50 } },
      })
      expect(set.status).toBe(200)
      const fired = await events.waitFor('health-alert', (d) => d.rule === 'cpu_warning' && d.state === 'firing')
      expect(fired).toMatchObject({
        serviceId: busy.name,
        containerId: busy.id,
        severity: 'warning',
        threshold: 60,
        reminder: false,
      })
      // ~100 % of its 0.2-core limit, not ~10 % of the host's two cores.
      expect(fired.value as number).toBeGreaterThan(60)
      expect(fired.value as number).toBeLessThan(115)

      const { body } = await api(`/api/services/${busy.name}/health`)
      expect(body.health).toMatchObject({ status: 'up', state: 'running', metrics: { cpu: { limitCores: 0.2 } } })
      expect(body.health.metrics.cpu.cores).toBeLessThanOrEqual(0.23)
      expect(body.health.metrics.source).toBe('cgroup-v1')
      const update = events.of('metrics-update').at(-1)!.data
      expect(Object.keys(update.metrics as object).sort()).toEqual(['blockIO', 'cpu', 'memory', 'network', 'pids'])

      const history = await api(`/api/services/${busy.name}/metrics?timeRange=1h`)
      expect(history.body.metrics).toMatchObject({
        serviceId: busy.name,
        resolution: 'raw',
        current: { cpu: { limitCores: 0.2 } },
      })
      expect(
        history.body.metrics.historical.filter((p: { cpu: number | null }) => p.cpu !== null).length,
      ).toBeGreaterThanOrEqual(2)
      const longer = await api(`/api/services/${busy.name}/metrics?timeRange=6h`)
      expect(longer.body.metrics.resolution).toBe('1m')
      // The very first sample has no CPU figure (a rate needs two); a bucket holding only it has none.
      const bucket = longer.body.metrics.historical.find((p: { cpu: unknown }) => p.cpu !== null)
      expect(bucket?.cpu).toMatchObject({ min: expect.any(Number), avg: expect.any(Number), max: expect.any(Number) })
      expect((await api(`/api/services/${busy.name}/metrics?timeRange=2h`)).status).toBe(400)

      const { body: list } = await api(`/api/alerts?serviceId=${busy.name}`)
      expect(list.active.map((a: { rule: string }) => a.rule)).toContain('cpu_warning')
      events.stop()
    } finally {
      await dockerCli('rm', '-f', busy.name)
    }
  })

  it('fires container_down once for a killed container and resolves it when it is started again', async () => {
    const svc = await createTestContainer()
    const events = collect(ctx.deps.events, svc.name, ['health-alert', 'health-update'])
    await events.ticks(1)
    await dockerCli('kill', svc.name)
    const fired = await events.waitFor('health-alert', (d) => d.rule === 'container_down' && d.state === 'firing')
    expect(fired).toMatchObject({ severity: 'critical', containerId: svc.id, serviceName: svc.name })
    // More ticks while it stays down: still exactly one notification.
    await events.ticks(4)
    expect(alertsOf(events, 'container_down', 'firing')).toHaveLength(1)
    const { body: health } = await api(`/api/services/${svc.name}/health`)
    expect(health.health).toMatchObject({ status: 'down', exitCode: 137, uptimeSeconds: 0 })

    await dockerCli('start', svc.name)
    await events.waitFor('health-alert', (d) => d.rule === 'container_down' && d.state === 'resolved')
    await events.ticks(2)
    expect(alertsOf(events, 'container_down', 'firing')).toHaveLength(1)
    expect(alertsOf(events, 'container_down', 'resolved')).toHaveLength(1)
    const { body: list } = await api(`/api/alerts?serviceId=${svc.name}`)
    expect(list.active).toEqual([])
    expect(list.recent).toMatchObject([{ rule: 'container_down', state: 'resolved' }])
    events.stop()
  })

  it('does not alert when a container is stopped with docker stop', async () => {
    const svc = await createTestContainer()
    const events = collect(ctx.deps.events, svc.name, ['health-alert', 'health-update'])
    await events.ticks(1)
    await dockerCli('stop', '-t', '1', svc.name)
    await until(
      async () => events.of('health-update', (d) => d.status === 'down').length >= 5,
      15_000,
      'five ticks of a stopped service',
    )
    expect(events.of('health-alert')).toEqual([])
    events.stop()
  })

  it('GET /api/services/health/all includes stopped and never-started services, from the cache', async () => {
    const created = await createTestContainer({ start: false })
    const stopped = await createTestContainer()
    const running = await createTestContainer()
    await dockerCli('stop', '-t', '1', stopped.name)
    const mine = [created.name, stopped.name, running.name]
    const body = await until(async () => {
      const { body } = await api('/api/services/health/all')
      const found = body.services.filter((s: { serviceId: string }) => mine.includes(s.serviceId))
      const byId = Object.fromEntries(found.map((s: { serviceId: string; status: HealthStatus }) => [s.serviceId, s]))
      return byId[stopped.name]?.status === 'down' && byId[running.name]?.metrics && found.length === 3
        ? byId
        : undefined
    })
    expect(body[created.name]).toMatchObject({ status: 'down', state: 'created', metrics: null, uptime: '0s' })
    expect(body[stopped.name]).toMatchObject({ status: 'down', state: 'exited', exitCode: 0 })
    expect(body[running.name]).toMatchObject({
      status: 'up',
      state: 'running',
      monitoring: { enabled: true },
      restartCount: 0,
    })
    expect(body[running.name].uptime).toMatch(/^\d+s$|m/)
    const { body: all } = await api('/api/services/health/all')
    expect(all.summary.total).toBe(all.services.length)
    expect(all.collectedAt).toEqual(expect.any(String))
  })

  it('starts and stops monitoring, refusing intervals outside 1 s – 1 h with 400', async () => {
    const svc = await createTestContainer()
    for (const interval of [999, 3_600_001, 0, '2000']) {
      const res = await api(`/api/services/${svc.name}/monitoring/start`, { method: 'POST', json: { interval } })
      expect(res.status, String(interval)).toBe(400)
    }
    const started = await api(`/api/services/${svc.name}/monitoring/start`, {
      method: 'POST',
      json: { interval: 2000 },
    })
    expect(started.status).toBe(200)
    expect(started.body.monitoring).toMatchObject({
      serviceId: svc.name,
      containerId: svc.id,
      enabled: true,
      intervalMs: 2000,
    })
    let { body } = await api('/api/services/monitoring/status')
    expect(body.monitoring.services.find((s: { serviceId: string }) => s.serviceId === svc.name)).toMatchObject({
      enabled: true,
      intervalMs: 2000,
    })
    expect(body.monitoring.collector).toMatchObject({ mode: 'auto', cgroupVersion: 1 })

    expect((await api(`/api/services/${svc.name}/monitoring/stop`, { method: 'POST' })).status).toBe(200)
    ;({ body } = await api('/api/services/monitoring/status'))
    expect(body.monitoring.services.find((s: { serviceId: string }) => s.serviceId === svc.name)).toMatchObject({
      enabled: false,
    })
    // Its health is still known (from the container list), without metrics.
    const health = await until(async () => {
      const { body } = await api(`/api/services/${svc.name}/health`)
      return body.health.status === 'up' && body.health
    })
    expect(health).toMatchObject({ metrics: null, monitoring: { enabled: false } })
    // Other services keep ticking; this one is quiet.
    const other = await createTestContainer()
    const otherEvents = collect(ctx.deps.events, other.name, ['health-update'])
    await otherEvents.ticks(1)
    const events = collect(ctx.deps.events, svc.name, ['health-update'])
    await otherEvents.ticks(3)
    expect(events.of('health-update')).toEqual([])
    events.stop()
    otherEvents.stop()
    expect(
      (await api('/api/services/zapie-does-not-exist/monitoring/start', { method: 'POST', json: { interval: 5000 } }))
        .status,
    ).toBe(404)
  })

  it('drops the monitor, history and alert state of a removed service', async () => {
    const svc = await createTestContainer()
    await api(`/api/services/${svc.name}/monitoring/start`, { method: 'POST', json: { interval: 1000 } })
    await api(`/api/services/${svc.name}/alerts/thresholds`, { method: 'PUT', json: { consecutiveSamples: 1 } })
    const events = collect(ctx.deps.events, svc.name, ['health-alert', 'metrics-update'])
    await events.ticks(2, 'metrics-update')
    await dockerCli('kill', svc.name)
    await events.waitFor('health-alert', (d) => d.rule === 'container_down' && d.state === 'firing')

    expect((await api(`/api/services/${svc.name}`, { method: 'DELETE' })).status).toBe(200)
    // The firing alert is closed for whoever listens, then everything about the service goes.
    await events.waitFor('health-alert', (d) => d.rule === 'container_down' && d.state === 'resolved')
    await until(async () => {
      const { body } = await api('/api/services/monitoring/status')
      return !body.monitoring.services.some((s: { serviceId: string }) => s.serviceId === svc.name)
    })
    await until(async () => {
      const { body } = await api(`/api/alerts?serviceId=${svc.name}`)
      return body.active.length === 0 && body.recent.length === 0
    })
    const stores = ctx.host.context.stores
    await until(
      async () => {
        const keys = await stores.storage.getKeys()
        return !keys.some((k) => k.includes(svc.name))
      },
      15_000,
      'stored state of the removed service to go',
    )
    expect((await api(`/api/services/${svc.name}/metrics`)).status).toBe(404)
    events.stop()
  })

  it('GET /api/services/system/metrics shows host, disks, containers and Docker, without addresses', async () => {
    const { status, body } = await api('/api/services/system/metrics')
    expect(status).toBe(200)
    expect(body.metrics).toMatchObject({
      cpu: { cores: expect.any(Number) },
      load: { '1m': expect.any(Number) },
      memory: { total: expect.any(Number), available: expect.any(Number) },
      disk: {
        dockerRoot: { path: '/var/lib/docker', total: expect.any(Number), percentage: expect.any(Number) },
        backups: { total: expect.any(Number) },
      },
      containers: { total: expect.any(Number), running: expect.any(Number), managed: expect.any(Number) },
      docker: { version: expect.stringMatching(/^20\.10/), apiVersion: '1.41' },
    })
    expect(body.metrics.cpu.percentage).toBeGreaterThanOrEqual(0)
    const text = JSON.stringify(body)
    expect(text).not.toMatch(IPV4)
    expect(text).not.toMatch(MAC)
  })

  it('health-update carries the original fields plus serviceId', async () => {
    const svc = await createTestContainer()
    const events = collect(ctx.deps.events, svc.name, ['health-update'])
    // The first tick may still see it created (the container list can come before the start).
    const update = await events.waitFor('health-update', (d) => d.status === 'up')
    expect(update).toMatchObject({
      containerId: svc.id,
      serviceId: svc.name,
      serviceName: svc.name,
      status: 'up',
      health: null,
      uptime: expect.any(String),
      restartCount: 0,
      timestamp: expect.any(String),
    })
    events.stop()
  })
})
