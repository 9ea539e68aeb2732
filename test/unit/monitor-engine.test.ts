import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type Docker from 'dockerode'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { buildMonitoring } from '../../src/agent/host'
import type { Monitor } from '../../src/agent/monitor/monitor'
import { loadConfig } from '../../src/config'
import { createEventHub } from '../../src/events/hub'
import { silentLogger } from '../../src/logger'
import { createStores, type Stores } from '../../storage'
import { until } from '../helpers/monitor'

const FIXTURES = join(import.meta.dirname, '../fixtures/stats')
const PAYLOAD = JSON.parse(readFileSync(join(FIXTURES, 'v1-busy-oneshot-a.json'), 'utf8'))

/** Just enough of dockerode for the monitor: a container list, inspect and one-shot stats. */
function fakeDocker() {
  let containers: { id: string; name: string; state: string }[] = []
  let down = false
  let reads = 0
  const info = (c: (typeof containers)[number]) => ({
    Id: c.id,
    Names: [`/${c.name}`],
    Image: 'busybox',
    State: c.state,
    Status: c.state === 'running' ? 'Up 1 second' : 'Exited (0) 1 second ago',
    Created: 1,
    Labels: { 'zapie.managed': 'true', 'zapie.id': c.name },
  })
  const docker = {
    listContainers: async () => {
      if (down) throw Object.assign(new Error('connect ECONNREFUSED /var/run/docker.sock'), { code: 'ECONNREFUSED' })
      return containers.map(info)
    },
    getContainer: (id: string) => ({
      inspect: async () => {
        const c = containers.find((x) => x.id === id)
        if (!c) throw Object.assign(new Error('no such container'), { statusCode: 404 })
        return {
          Id: id,
          RestartCount: 0,
          State: {
            Pid: 0,
            Running: c.state === 'running',
            ExitCode: 0,
            OOMKilled: false,
            StartedAt: new Date().toISOString(),
            FinishedAt: '0001-01-01T00:00:00Z',
          },
          HostConfig: { NetworkMode: 'none', NanoCpus: 2e8 },
        }
      },
      // Each reading 2 s and 0.4 CPU-seconds after the last: 0.2 cores, 100 % of a 0.2-core limit.
      stats: async () => {
        reads += 1
        const read = new Date(Date.parse(PAYLOAD.read) + reads * 2000).toISOString()
        return {
          ...PAYLOAD,
          read,
          cpu_stats: {
            ...PAYLOAD.cpu_stats,
            cpu_usage: { total_usage: reads * 4e8 },
            system_cpu_usage: PAYLOAD.cpu_stats.system_cpu_usage + reads * 4e9,
          },
        }
      },
    }),
  }
  return {
    docker: docker as unknown as Docker,
    add: (name: string, state = 'running') => {
      const id =
        `${name.replace(/[^a-f0-9]/g, 'a')}${'0'.repeat(64)}`.slice(0, 62) + String(containers.length).padStart(2, '0')
      containers.push({ id, name, state })
      return id
    },
    remove: (name: string) => (containers = containers.filter((c) => c.name !== name)),
    setDown: (value: boolean) => (down = value),
  }
}

describe('the monitor engine (fake Docker)', () => {
  let stores: Stores
  let hub: ReturnType<typeof createEventHub>
  let fake: ReturnType<typeof fakeDocker>
  let monitor: Monitor
  let api: ReturnType<typeof buildMonitoring>['monitoring']

  beforeEach(async () => {
    stores = await createStores({ storage: 'memory', dataDir: '/nonexistent' })
    hub = createEventHub()
    fake = fakeDocker()
    ;({ monitor, monitoring: api } = buildMonitoring(
      {
        docker: fake.docker,
        stores,
        logger: silentLogger,
        clock: { now: () => Date.now() },
        events: hub,
        config: { ...loadConfig({}), backupDir: '/nonexistent' },
      },
      {
        defaultIntervalMs: 40,
        statsSource: 'docker-api',
        removalGraceMs: 300,
        alertDefaults: { consecutiveSamples: 2 },
      },
    ))
  })
  afterEach(async () => monitor.stop())

  it('normalises CPU to the limit through the API fallback and answers health/all from its cache', async () => {
    fake.add('svc-a')
    fake.add('svc-b', 'exited')
    await monitor.start()
    const overview = await until(async () => {
      const o = await api.getAllHealth()
      return o.services.find((s) => s.serviceId === 'svc-a')?.metrics?.cpu.percentage != null && o
    })
    expect(overview.summary).toMatchObject({ up: 1, down: 1, total: 2 })
    expect(overview.services.find((s) => s.serviceId === 'svc-a')!.metrics).toMatchObject({
      source: 'docker-api',
      cpu: { percentage: 100, cores: 0.2, limitCores: 0.2 },
    })
  })

  it('reports every service unreachable while Docker does not answer, alerts once, and resolves when it answers again', async () => {
    fake.add('svc-a')
    await monitor.start()
    // The fake container is busy: keep its CPU alerts out of this story.
    await api.setAlertThresholds({ disabledRules: ['cpu_warning', 'cpu_critical'] })
    await until(async () => (await api.getHealth('svc-a')).status === 'up')
    const seen: string[] = []
    const ac = new AbortController()
    void (async () => {
      for await (const item of hub.subscribe({ signal: ac.signal, filter: { types: ['health-alert'] } }))
        if (item.kind === 'event') seen.push(`${item.event.data.rule}:${item.event.data.state}`)
    })()
    fake.setDown(true)
    await until(async () => (await api.getAllHealth()).services[0]?.status === 'unreachable')
    await until(async () => seen.includes('unreachable:firing'))
    // A lookup of a service the agent never saw is a 503 while Docker is down, not a 404.
    await expect(api.getHealth('svc-unknown')).rejects.toMatchObject({ status: 503 })
    fake.setDown(false)
    await until(async () => seen.includes('unreachable:resolved'))
    // Stale state while blind resolved nothing else and fired nothing else.
    expect(seen).toEqual(['unreachable:firing', 'unreachable:resolved'])
    ac.abort()
  })

  it('keeps the state of a service recreated under the same stable id (a restore), and drops it when the service is gone', async () => {
    fake.add('svc-r')
    await monitor.start()
    await api.startMonitoring('svc-r', { intervalMs: 1000 })
    await until(async () => (await api.getMetrics('svc-r', { timeRange: '1h' })).historical.length > 0)
    // Recreated within the grace: a new container id, the same zapie.id.
    fake.remove('svc-r')
    await new Promise((r) => setTimeout(r, 100))
    const newId = fake.add('svc-r')
    monitor.onContainerEvent({ action: 'destroy', containerId: 'old' })
    await new Promise((r) => setTimeout(r, 600))
    const status = await api.monitoringStatus()
    expect(status.services.find((s) => s.serviceId === 'svc-r')).toMatchObject({
      containerId: newId,
      intervalMs: 1000,
      enabled: true,
    })
    expect((await api.getMetrics('svc-r', { timeRange: '1h' })).historical.length).toBeGreaterThan(0)

    fake.remove('svc-r')
    monitor.onContainerEvent({ action: 'destroy', containerId: newId })
    await until(async () => !(await api.monitoringStatus()).services.some((s) => s.serviceId === 'svc-r'))
    await until(async () => (await stores.storage.getKeys('monitor-settings')).length === 0)
    await expect(api.getMetrics('svc-r', { timeRange: '1h' })).rejects.toMatchObject({ status: 404 })
  })
})
