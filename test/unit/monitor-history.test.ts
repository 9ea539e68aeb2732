import { describe, expect, it } from 'vitest'
import { createHistoryKeeper } from '../../src/agent/monitor/history-keeper'
import { CorruptHistoryError, ServiceHistory, tierSpecs } from '../../src/agent/monitor/history'
import { Ring } from '../../src/agent/monitor/ring'
import { silentLogger, type Logger } from '../../src/logger'
import type { BucketPoint, RawPoint } from '../../src/schemas/monitoring'
import { createStores } from '../../storage'
import { fakeMetrics } from '../helpers/fake-monitoring'

const DAY = 86_400_000
const T0 = Date.parse('2026-11-01T00:00:00Z')
/** cpu, memory, memoryPercent, rxRate, txRate, readRate, writeRate, pids */
const row = (cpu: number, mem = 1000) => [cpu, mem, 10, 1, 2, 3, 4, 5]

describe('Ring', () => {
  it('keeps the newest rows up to its capacity and grows only as needed', () => {
    const ring = new Ring(2, 5, 2)
    expect(ring.bytes).toBe(2 * 8 + 2 * 2 * 4)
    for (let i = 0; i < 8; i++) ring.push(i, [i, i * 10])
    expect(ring.size).toBe(5)
    const seen: number[] = []
    ring.forEach(-Infinity, Infinity, (t, r) => seen.push(t, r[1]!))
    expect(seen).toEqual([3, 30, 4, 40, 5, 50, 6, 60, 7, 70])
    expect(ring.bytes).toBe(5 * 8 + 5 * 2 * 4)
    ring.dropBefore(6)
    expect(ring.size).toBe(2)
  })
})

describe('ServiceHistory', () => {
  const specs = tierSpecs(30 * DAY)

  it('serves raw points for 1h with nulls where a value was unknown', () => {
    const h = new ServiceHistory(specs)
    h.append(T0, [NaN, 1000, 10, NaN, NaN, NaN, NaN, 1])
    h.append(T0 + 10_000, row(50.123))
    const { resolution, points } = h.query('1h', T0 + 20_000)
    expect(resolution).toBe('raw')
    expect(points).toEqual([
      {
        timestamp: new Date(T0).toISOString(),
        cpu: null,
        memory: 1000,
        memoryPercent: 10,
        rxRate: null,
        txRate: null,
        readRate: null,
        writeRate: null,
        pids: 1,
      },
      {
        timestamp: new Date(T0 + 10_000).toISOString(),
        cpu: 50.12,
        memory: 1000,
        memoryPercent: 10,
        rxRate: 1,
        txRate: 2,
        readRate: 3,
        writeRate: 4,
        pids: 5,
      },
    ])
  })

  it('serves min/avg/max buckets for long ranges, the current bucket included', () => {
    const h = new ServiceHistory(specs)
    // Three samples in the first minute, one in the next.
    h.append(T0, row(10, 100))
    h.append(T0 + 20_000, row(20, 300))
    h.append(T0 + 40_000, row(60, 200))
    h.append(T0 + 61_000, row(5))
    const { resolution, points } = h.query('6h', T0 + 70_000) as { resolution: string; points: BucketPoint[] }
    expect(resolution).toBe('1m')
    expect(points).toHaveLength(2)
    expect(points[0]).toMatchObject({
      timestamp: new Date(T0).toISOString(),
      samples: 3,
      cpu: { min: 10, avg: 30, max: 60 },
      memory: { min: 100, avg: 200, max: 300 },
    })
    expect(points[1]).toMatchObject({ samples: 1, cpu: { min: 5, avg: 5, max: 5 } })
    expect(h.query('24h', T0 + 70_000).resolution).toBe('10m')
    expect(h.query('7d', T0 + 70_000).resolution).toBe('10m')
    expect(h.query('30d', T0 + 70_000).resolution).toBe('1h')
  })

  it('forgets what is older than the range and the retention', () => {
    const h = new ServiceHistory(tierSpecs(2 * DAY))
    h.append(T0, row(1))
    h.append(T0 + 3 * DAY, row(2))
    const points = h.query('30d', T0 + 3 * DAY).points as BucketPoint[]
    expect(points.map((p) => p.cpu?.avg)).toEqual([2])
    expect((h.query('1h', T0 + 3 * DAY + 2 * 3_600_000).points as RawPoint[]).length).toBe(0)
  })

  it('stays within its memory bound: a month of samples, then hours at the 1-second minimum', () => {
    const h = new ServiceHistory(specs)
    const bound = specs.reduce((sum, s) => sum + s.capacity * (8 + (s.bucketMs ? 25 : 8) * 4), 0)
    // Fills every bucket tier for a month (faster than 2.6 M one-second samples), then the raw tier.
    for (let t = T0; t < T0 + 31 * DAY; t += 37_000) h.append(t, row(t % 100))
    for (let t = T0 + 31 * DAY; t < T0 + 31 * DAY + 2 * 3_600_000; t += 1000) h.append(t, row(1))
    expect(h.bytes).toBeLessThanOrEqual(bound)
    expect(bound).toBeLessThan(400 * 1024)
    expect((h.query('1h', T0 + 31 * DAY + 2 * 3_600_000).points as RawPoint[]).length).toBeLessThanOrEqual(3601)
    expect((h.query('30d', T0 + 31 * DAY).points as BucketPoint[]).length).toBeLessThanOrEqual(721)
  })

  it('survives a round trip through its compact chunks', () => {
    const h = new ServiceHistory(specs)
    for (let t = T0; t < T0 + 3 * 3_600_000; t += 10_000) h.append(t, row((t / 1000) % 97))
    const chunks = h.takeDirtyChunks()
    expect(chunks.length).toBeGreaterThan(0)
    expect(h.takeDirtyChunks()).toEqual([])
    const copy = new ServiceHistory(specs)
    copy.restore(JSON.parse(JSON.stringify(chunks)), JSON.parse(JSON.stringify(h.openBuckets())), T0 + 3 * 3_600_000)
    for (const range of ['1h', '6h', '24h', '30d'] as const) {
      expect(copy.query(range, T0 + 3 * 3_600_000)).toEqual(h.query(range, T0 + 3 * 3_600_000))
    }
  })

  it('refuses a corrupt chunk', () => {
    const h = new ServiceHistory(specs)
    expect(() =>
      h.restore([{ tier: 'raw', start: T0, chunk: { v: 1, w: 8, t: 'AAAA', d: 'AAAA' } }], null, T0),
    ).toThrow(CorruptHistoryError)
    expect(() => h.restore([{ tier: 'raw', start: T0, chunk: 'garbage' as never }], null, T0)).toThrow(
      CorruptHistoryError,
    )
  })
})

describe('history keeper (persistence)', () => {
  const memoryStores = () => createStores({ storage: 'memory', dataDir: '/nonexistent' })
  const metrics = (cpu: number) => {
    const m = fakeMetrics()
    return { ...m, cpu: { ...m.cpu, percentage: cpu } }
  }

  it('writes only what changed, loads it back after a restart, and deletes chunks past retention', async () => {
    const stores = await memoryStores()
    const keeper = createHistoryKeeper({ store: stores.metricsHistory, logger: silentLogger, retentionMs: 30 * DAY })
    for (let i = 0; i < 30; i++) keeper.append('svc-a', T0 + i * 10_000, metrics(i))
    await keeper.persist(T0 + 300_000)
    const keys = await stores.storage.getKeys('metrics-history')
    expect(keys.some((k) => k.includes(':raw:'))).toBe(true)
    expect(keys.some((k) => k.includes(':1m:'))).toBe(true)
    expect(keys).toContain('metrics-history:svc-a:open')

    const reloaded = createHistoryKeeper({ store: stores.metricsHistory, logger: silentLogger, retentionMs: 30 * DAY })
    await reloaded.load(T0 + 300_000)
    expect(reloaded.query('svc-a', '1h', T0 + 300_000)).toEqual(keeper.query('svc-a', '1h', T0 + 300_000))
    expect(reloaded.query('svc-a', '6h', T0 + 300_000)).toEqual(keeper.query('svc-a', '6h', T0 + 300_000))
    expect(reloaded.query('svc-a', '1h', T0 + 300_000).points).toHaveLength(30)

    // Two hours later the first raw chunk is past the raw tier's hour.
    keeper.append('svc-a', T0 + 2 * 3_600_000, metrics(1))
    await keeper.persist(T0 + 2 * 3_600_000)
    expect(await stores.storage.getKeys('metrics-history:svc-a:raw')).toEqual([
      `metrics-history:svc-a:raw:${T0 + 2 * 3_600_000 - ((T0 + 2 * 3_600_000) % 600_000)}`,
    ])

    await keeper.forget('svc-a')
    expect(await stores.storage.getKeys('metrics-history')).toEqual([])
  })

  it('reports a corrupt stored history and leaves it in the store', async () => {
    const stores = await memoryStores()
    await stores.metricsHistory.writeChunk('svc-b', 'raw', T0, { v: 1, w: 8, t: 'not base64 of anything', d: '' })
    const errors: Record<string, unknown>[] = []
    const logger: Logger = { ...silentLogger, error: (f) => errors.push(f) }
    const keeper = createHistoryKeeper({ store: stores.metricsHistory, logger, retentionMs: 30 * DAY })
    await keeper.load(T0)
    expect(keeper.errorOf('svc-b')).toMatch(/could not be read/)
    expect(errors).toHaveLength(1)
    keeper.append('svc-b', T0 + 1000, metrics(5))
    await keeper.persist(T0 + 1000)
    expect(await stores.storage.getItem(`metrics-history:svc-b:raw:${T0}`)).toMatchObject({
      t: 'not base64 of anything',
    })
  })
})
