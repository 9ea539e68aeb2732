import { beforeEach, describe, expect, it } from 'vitest'
import type { InventoryEntry } from '../../src/agent/monitor/inventory'
import type { MonitorQueries } from '../../src/agent/monitor/monitor'
import { createMonitoringApi } from '../../src/agent/monitor/monitor-api'
import { createThresholds, DEFAULT_THRESHOLDS } from '../../src/agent/monitor/thresholds'
import { AppError } from '../../src/errors'
import { silentLogger } from '../../src/logger'
import type { MonitorSettings, ServiceHealth, SystemMetrics } from '../../src/schemas/monitoring'
import { createStores } from '../../storage'

const entry = (serviceId: string, state = 'running', id = `${serviceId}-container`) =>
  ({ id, serviceId, name: serviceId, state }) as InventoryEntry

const health = (e: InventoryEntry, monitoring: MonitorSettings): ServiceHealth => ({
  containerId: e.id,
  serviceId: e.serviceId,
  serviceName: e.name,
  status: e.state === 'running' ? 'up' : 'down',
  state: e.state,
  health: null,
  uptime: '0s',
  uptimeSeconds: 0,
  restartCount: 0,
  exitCode: null,
  oomKilled: false,
  startedAt: null,
  finishedAt: null,
  lastCheck: null,
  monitoring,
  metrics: null,
})

/**
 * A monitor that is only the MonitorQueries interface (no collector, no Docker): if the API
 * needed anything else of the monitor, this file would not compile.
 */
function fakeMonitor() {
  const state = {
    entries: [] as InventoryEntry[],
    reachable: true,
    listedAt: null as number | null,
    ticks: 0,
    finds: [] as string[],
    changes: [] as { serviceId: string; enabled: boolean; intervalMs?: number }[],
    settings: new Map<string, MonitorSettings>(),
  }
  const settingsOf = (id: string) => state.settings.get(id) ?? { enabled: true, intervalMs: 30_000 }
  const monitor: MonitorQueries = {
    // The first tick happens while the caller waits: a status read before it would say 0 ticks.
    ready: async () => {
      await new Promise((r) => setTimeout(r, 5))
      state.ticks = Math.max(state.ticks, 1)
    },
    current: async () => {},
    isDockerReachable: () => state.reachable,
    listedAt: () => state.listedAt,
    async find(ref) {
      state.finds.push(ref)
      return state.entries.find((e) => e.serviceId === ref || e.id === ref)
    },
    services: () => [...state.entries].sort((a, b) => a.serviceId.localeCompare(b.serviceId)),
    healthOf: (e) => health(e, settingsOf(e.serviceId)),
    monitoringOf: (e) => ({
      serviceId: e.serviceId,
      containerId: e.id,
      ...settingsOf(e.serviceId),
      lastSampleAt: null,
      source: null,
      historyError: null,
    }),
    metricsOf: (serviceId, range) => ({
      resolution: range === '1h' ? 'raw' : '1m',
      points: serviceId === 'svc-a' ? [{ t: '2026-01-01T00:00:00.000Z' } as never] : [],
    }),
    status: () => ({
      running: true,
      collector: { mode: 'auto', cgroupVersion: 2, lastTickAt: null, lastTickMs: null, ticks: state.ticks },
      defaultIntervalMs: 30_000,
    }),
    async setMonitoring(e, change) {
      state.changes.push({ serviceId: e.serviceId, ...change })
      const next = { enabled: change.enabled, intervalMs: change.intervalMs ?? settingsOf(e.serviceId).intervalMs }
      state.settings.set(e.serviceId, next)
      return next
    },
  }
  return { monitor, state }
}

async function rejection(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(AppError)
  return err as AppError
}

describe('the monitoring and alerts API over the Monitor interface alone', () => {
  let fake: ReturnType<typeof fakeMonitor>
  let api: ReturnType<typeof createMonitoringApi>
  let listed: { serviceId?: string; limit?: number }[]
  const refused = 'https://intranet.example/hook'

  beforeEach(async () => {
    fake = fakeMonitor()
    listed = []
    const stores = await createStores({ storage: 'memory', dataDir: '/nonexistent' })
    const thresholds = createThresholds(stores.alertSettings, DEFAULT_THRESHOLDS, silentLogger)
    api = createMonitoringApi({
      monitor: fake.monitor,
      alerts: {
        list: (q) => {
          listed.push({ ...q })
          return { active: [], recent: [] }
        },
      },
      thresholds,
      webhook: {
        check: async (url) =>
          url === refused ? { rule: 'private', address: '10.0.0.8', message: 'resolves to a private address' } : null,
      },
      systemMetrics: async () => ({ containers: { managed: fake.state.entries.length } }) as SystemMetrics,
    })
  })

  it('lists every service once in the monitoring status, by stable id, after the first tick', async () => {
    fake.state.entries.push(entry('svc-b', 'exited'), entry('svc-a'))
    const status = await api.monitoringStatus()
    expect(status.collector).toMatchObject({ mode: 'auto', cgroupVersion: 2, ticks: 1 })
    expect(status.services.map((s) => [s.serviceId, s.containerId])).toEqual([
      ['svc-a', 'svc-a-container'],
      ['svc-b', 'svc-b-container'],
    ])
  })

  it('counts the services of health/all per status and says when the list was read (null before the first read)', async () => {
    fake.state.entries.push(entry('svc-a'), entry('svc-b', 'exited'), entry('svc-c'))
    const before = await api.getAllHealth()
    // Every status is counted, zero included: the dashboard shows each one.
    expect(before.summary).toEqual({ up: 2, down: 1, paused: 0, restarting: 0, unhealthy: 0, unreachable: 0, total: 3 })
    expect(before.collectedAt).toBeNull()
    fake.state.listedAt = Date.parse('2026-12-01T10:00:00.000Z')
    expect((await api.getAllHealth()).collectedAt).toBe('2026-12-01T10:00:00.000Z')
  })

  it('answers 404 for a reference that cannot name a service, without asking the monitor', async () => {
    for (const ref of ['../../etc/passwd', 'a b', 'x'.repeat(300), '']) {
      const err = await rejection(api.getHealth(ref))
      expect([err.status, err.code]).toEqual([404, 'not_found'])
      expect(err.message).toMatch(/^service '/)
    }
    expect(fake.state.finds).toEqual([])
  })

  it('says Docker is unavailable (503) for an unknown service while Docker does not answer, and 404 when it does', async () => {
    fake.state.reachable = false
    expect((await rejection(api.getMetrics('svc-gone', { timeRange: '1h' }))).status).toBe(503)
    fake.state.reachable = true
    const gone = await rejection(api.getMetrics('svc-gone', { timeRange: '1h' }))
    expect([gone.status, gone.message]).toEqual([404, "service 'svc-gone' not found"])
  })

  it('answers metrics from the service history at the range resolution, for the container the ref names', async () => {
    fake.state.entries.push(entry('svc-a', 'running', 'c0ffee'))
    const metrics = await api.getMetrics('c0ffee', { timeRange: '1h' })
    expect(metrics).toMatchObject({ containerId: 'c0ffee', serviceId: 'svc-a', timeRange: '1h', resolution: 'raw' })
    expect(metrics.historical).toHaveLength(1)
    expect((await api.getMetrics('svc-a', { timeRange: '24h' })).resolution).toBe('1m')
  })

  it('starts and stops monitoring through the monitor and returns the new row', async () => {
    fake.state.entries.push(entry('svc-a'))
    expect(await api.startMonitoring('svc-a', { intervalMs: 5000 })).toMatchObject({ enabled: true, intervalMs: 5000 })
    expect(await api.stopMonitoring('svc-a')).toMatchObject({ serviceId: 'svc-a', enabled: false, intervalMs: 5000 })
    expect(fake.state.changes).toEqual([
      { serviceId: 'svc-a', enabled: true, intervalMs: 5000 },
      { serviceId: 'svc-a', enabled: false },
    ])
  })

  it('refuses a webhook the sender refuses with 422 and keeps the stored one, shown without its credentials', async () => {
    expect((await api.getAlertSettings()).webhook).toEqual({ configured: false, url: null })
    expect(await api.setAlertWebhook('https://user:s3cret@hooks.example/T0/B0/xyz')).toEqual({
      configured: true,
      url: 'https://hooks.example/…',
    })
    const err = await rejection(api.setAlertWebhook(refused))
    expect([err.status, err.code]).toEqual([422, 'webhook_destination_refused'])
    const { webhook } = await api.getAlertSettings()
    expect(webhook).toEqual({ configured: true, url: 'https://hooks.example/…' })
    expect(JSON.stringify(await api.getAlertSettings())).not.toContain('s3cret')
  })

  it('keeps per-service thresholds apart and shows them laid over the global ones', async () => {
    fake.state.entries.push(entry('svc-a'), entry('svc-b'))
    await api.setAlertThresholds({ cpu: { warning: 70, warningClear: 65 } })
    const a = await api.setServiceAlertThresholds('svc-a', { cpu: { critical: 99 } })
    expect(a.overrides).toEqual({ cpu: { critical: 99 } })
    expect(a.effective.cpu).toMatchObject({ warning: 70, critical: 99 })
    const b = await api.getServiceAlertSettings('svc-b')
    expect(b.overrides).toEqual({})
    expect(b.effective.cpu).toMatchObject({ warning: 70, critical: DEFAULT_THRESHOLDS.cpu.critical })
  })

  it('lists alerts for the service and as many as the caller asked, or all of them', async () => {
    await api.listAlerts({ serviceId: 'svc-a', limit: 5 })
    await api.listAlerts()
    expect(listed).toEqual([
      { serviceId: 'svc-a', limit: 5 },
      { serviceId: undefined, limit: undefined },
    ])
  })

  it('answers the system metrics from what the composition root gave it', async () => {
    fake.state.entries.push(entry('svc-a'), entry('svc-b'))
    expect((await api.systemMetrics()).containers.managed).toBe(2)
  })
})
