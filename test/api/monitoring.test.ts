import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cleanupTestResources, createTestContainer, dockerCli } from '../helpers/docker'
import { api, events, json } from './client'

afterAll(cleanupTestResources)

const post = (body: unknown) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
})

describe(`monitoring and alerts API [${api.mode}]`, () => {
  let running: Awaited<ReturnType<typeof createTestContainer>>
  let stopped: Awaited<ReturnType<typeof createTestContainer>>
  beforeAll(async () => {
    running = await createTestContainer()
    stopped = await createTestContainer({ start: false })
  })

  it('answers health for every service, stopped ones included', async () => {
    // New containers join the collector on its next pass; ask until both are listed.
    let services: { serviceId: string; status: string }[] = []
    for (const deadline = Date.now() + 20_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 250))) {
      services = (await json('/api/services/health/all')).body.services
      if ([running.name, stopped.name].every((n) => services.some((s) => s.serviceId === n))) break
    }
    expect(services.find((s) => s.serviceId === running.name)?.status).toBe('up')
    expect(services.find((s) => s.serviceId === stopped.name)?.status).toBe('down')
  })

  it('controls monitoring and validates the interval', async () => {
    expect((await json(`/api/services/${running.name}/monitoring/start`, post({ interval: 500 }))).status).toBe(400)
    expect((await json(`/api/services/${running.name}/monitoring/start`, post({ interval: 5000 }))).status).toBe(200)
    const { body } = await json('/api/services/monitoring/status')
    expect(JSON.stringify(body)).toContain(running.name)
    expect((await json(`/api/services/${running.name}/monitoring/stop`, { method: 'POST' })).status).toBe(200)
  })

  it('serves health, metrics history and system metrics', async () => {
    expect((await json(`/api/services/${running.name}/health`)).body.health.status).toBe('up')
    expect((await json(`/api/services/${running.name}/metrics?timeRange=2h`)).status).toBe(400)
    const metrics = await json(`/api/services/${running.name}/metrics?timeRange=1h`)
    expect(metrics.status).toBe(200)
    expect(metrics.body.metrics).toHaveProperty('historical')
    const system = await json('/api/services/system/metrics')
    expect(system.status).toBe(200)
    expect(JSON.stringify(system.body)).not.toMatch(/\b\d{1,3}(\.\d{1,3}){3}\b/)
  })

  it('lists alerts and thresholds', async () => {
    const alerts = await json('/api/alerts')
    expect(alerts.body).toMatchObject({ active: expect.any(Array), recent: expect.any(Array) })
    expect((await json('/api/alerts/thresholds')).body.rules).toContain('container_down')
  })

  it('streams health, metrics and alerts in their documented shape, alerts as alertId everywhere', async () => {
    const watched = await createTestContainer()
    const stream = await events(`?types=health-update,metrics-update,health-alert&services=${watched.name}`)
    expect((await json(`/api/services/${watched.name}/monitoring/start`, post({ interval: 1000 }))).status).toBe(200)
    const metrics = await stream.waitFor((e) => e.event === 'metrics-update', 15_000)
    expect(JSON.parse(metrics.data)).toMatchObject({
      serviceId: watched.name,
      serviceName: watched.name,
      containerId: watched.id,
    })
    // Killed, not stopped: a stop the user asked for is no outage.
    await dockerCli('kill', watched.name)
    const alert = await stream.waitFor(
      (e) => e.event === 'health-alert' && JSON.parse(e.data).rule === 'container_down',
      30_000,
    )
    const { alertId } = JSON.parse(alert.data)
    const { body } = await json(`/api/alerts?serviceId=${watched.name}`)
    expect(body.active).toEqual(
      expect.arrayContaining([expect.objectContaining({ alertId, rule: 'container_down', serviceName: watched.name })]),
    )
    stream.close()
    await json(`/api/services/${watched.name}/monitoring/stop`, { method: 'POST' })
  })
})
