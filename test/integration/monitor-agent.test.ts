import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config'
import { createStores } from '../../storage'
import { auth } from '../helpers/app'
import { cleanupTestResources, createTestContainer, dockerCli } from '../helpers/docker'
import { appWithRealAgent } from '../helpers/real-agent'
import { BUSY_CMD, FAST, until } from '../helpers/monitor'

afterAll(cleanupTestResources)

type Ctx = Awaited<ReturnType<typeof appWithRealAgent>>
const api = async (ctx: Ctx, path: string, init: RequestInit & { json?: unknown } = {}) => {
  const { json, ...rest } = init
  const res = await ctx.app.request(path, {
    ...rest,
    ...(json !== undefined
      ? { body: JSON.stringify(json), headers: { ...auth, 'content-type': 'application/json' } }
      : { headers: auth }),
  })
  return { status: res.status, body: await res.json() }
}

describe('the Docker API as the stats source', () => {
  it('gives the same normalised CPU through one-shot stats when forced', async () => {
    const ctx = await appWithRealAgent('in-process', {
      monitor: { ...FAST, statsSource: 'docker-api', defaultIntervalMs: 1000 },
    })
    const busy = await createTestContainer({ cmd: BUSY_CMD, hostConfig: { NanoCpus: 200_000_000 } })
    try {
      const metrics = await until(async () => {
        const { body } = await api(ctx, `/api/services/${busy.name}/health`)
        return body.health.metrics?.cpu.percentage != null && body.health.metrics
      })
      expect(metrics.source).toBe('docker-api')
      expect(metrics.cpu.limitCores).toBe(0.2)
      expect(metrics.cpu.percentage).toBeGreaterThan(60)
      expect(metrics.cpu.percentage).toBeLessThan(115)
      expect(metrics.memory.usage).toBeGreaterThan(0)
      const { body } = await api(ctx, '/api/services/monitoring/status')
      expect(body.monitoring.collector).toMatchObject({ mode: 'docker-api', cgroupVersion: null })
    } finally {
      await dockerCli('rm', '-f', busy.name)
      await ctx.close()
    }
  })

  it('falls back to the API for a container whose cgroup it cannot find', async () => {
    // A cgroup v1 root with nothing in it: the agent cannot see this engine's containers.
    const root = mkdtempSync(join(tmpdir(), 'zapie-empty-cgroup-'))
    mkdirSync(join(root, 'cpuacct'))
    const ctx = await appWithRealAgent('in-process', {
      monitor: { ...FAST, cgroupRoot: root, defaultIntervalMs: 1000 },
    })
    const svc = await createTestContainer()
    try {
      const metrics = await until(async () => {
        const { body } = await api(ctx, `/api/services/${svc.name}/health`)
        return body.health.metrics
      })
      expect(metrics.source).toBe('docker-api')
      expect(metrics.pids).toBeGreaterThanOrEqual(1)
    } finally {
      await ctx.close()
      rmSync(root, { recursive: true, force: true })
    }
  })
})

describe('an agent restart', () => {
  it('resumes the monitoring settings and keeps the history', async () => {
    const config = loadConfig({ ZAPIE_STORAGE: 'memory', LOG_LEVEL: 'silent' })
    const stores = await createStores(config)
    const watched = await createTestContainer()
    const quiet = await createTestContainer()
    let first: Ctx | undefined = await appWithRealAgent('in-process', { monitor: FAST, stores })
    let second: Ctx | undefined
    try {
      expect(
        (
          await api(first, `/api/services/${watched.name}/monitoring/start`, {
            method: 'POST',
            json: { interval: 1000 },
          })
        ).status,
      ).toBe(200)
      expect((await api(first, `/api/services/${quiet.name}/monitoring/stop`, { method: 'POST' })).status).toBe(200)
      const before = await until(async () => {
        const { body } = await api(first!, `/api/services/${watched.name}/metrics?timeRange=1h`)
        return body.metrics.historical.length >= 3 && body.metrics.historical
      })
      await first.close()
      first = undefined

      second = await appWithRealAgent('in-process', { monitor: FAST, stores })
      const { body } = await api(second, '/api/services/monitoring/status')
      const status = (id: string) => body.monitoring.services.find((s: { serviceId: string }) => s.serviceId === id)
      expect(status(watched.name)).toMatchObject({ enabled: true, intervalMs: 1000 })
      expect(status(quiet.name)).toMatchObject({ enabled: false })
      const after = await api(second, `/api/services/${watched.name}/metrics?timeRange=1h`)
      const stamps = after.body.metrics.historical.map((p: { timestamp: string }) => p.timestamp)
      for (const point of before) expect(stamps).toContain(point.timestamp)
    } finally {
      await first?.close()
      await second?.close()
    }
  })
})
