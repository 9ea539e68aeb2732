import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { RawCounters } from '../../src/agent/monitor/counters'
import { countersFromPayload, parseNanoTime, type StatsPayload } from '../../src/agent/monitor/docker-stats'
import { computeMetrics, countCpuset, limitCoresOf } from '../../src/agent/monitor/stats-math'

const FIXTURES = join(import.meta.dirname, '../fixtures/stats')
const payload = (name: string) => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as StatsPayload
const counters = (name: string) => countersFromPayload(payload(name))!

const ctx = (limitCores: number) => ({
  source: 'docker-api' as const,
  limitCores,
  restartCount: 0,
  uptime: 10,
  timestamp: '2026-11-26T10:00:00.000Z',
})

describe('metric math on payloads recorded from this engine (cgroup v1)', () => {
  it('normalises CPU to the --cpus 0.2 limit: a busy loop reads ~100 %, 0.2 cores', () => {
    const m = computeMetrics(
      counters('v1-busy-oneshot-a.json'),
      counters('v1-busy-oneshot-b.json'),
      ctx(limitCoresOf({ nanoCpus: 2e8 }, 2)),
    )
    expect(m.cpu.limitCores).toBe(0.2)
    expect(m.cpu.percentage).toBeGreaterThan(95)
    expect(m.cpu.percentage).toBeLessThan(101)
    expect(m.cpu.cores).toBeCloseTo(0.195, 2)
  })

  it('gives the share of all host cores when the container has no CPU limit', () => {
    const m = computeMetrics(counters('v1-busy-oneshot-a.json'), counters('v1-busy-oneshot-b.json'), ctx(2))
    expect(m.cpu.percentage).toBeCloseTo(9.77, 1)
  })

  it("agrees with the daemon's own precpu pair (stream=false)", () => {
    const p = payload('v1-busy-stream-false.json') as StatsPayload & {
      preread: string
      precpu_stats: StatsPayload['cpu_stats']
    }
    const prev = countersFromPayload({ ...p, read: p.preread, cpu_stats: p.precpu_stats })!
    const cur = countersFromPayload(p)!
    const m = computeMetrics(prev, cur, ctx(0.2))
    expect(m.cpu.percentage).toBeCloseTo(96.8, 0)
  })

  it('has no CPU percentage or rates on the first reading', () => {
    const m = computeMetrics(undefined, counters('v1-busy-oneshot-a.json'), ctx(0.2))
    expect(m.cpu).toEqual({ percentage: null, cores: null, limitCores: 0.2 })
    expect(m.blockIO.readRate).toBeNull()
    expect(m.memory.usage).toBeGreaterThan(0)
  })

  it('leaves reclaimable page cache (total_inactive_file) out of memory usage, against the limit', () => {
    const m = computeMetrics(undefined, counters('v1-cgroup-twin.json'), ctx(2))
    expect(m.memory).toEqual({ usage: 26435584 - 8388608, limit: 134217728, percentage: 13.45, cache: 8388608 })
  })

  it('reads a stopped container as no sample', () => {
    expect(countersFromPayload(payload('v1-stopped-oneshot.json'))).toBeNull()
  })

  it('reads pids and an absent network section as unknown network', () => {
    const c = counters('v1-io-oneshot.json')
    expect(c.pids).toBe(2)
    expect(c.netRx).toBeNull()
  })
})

describe('metric math on the cgroup v2 payload shape', () => {
  const a = counters('v2-constructed-a.json')
  const b = counters('v2-constructed-b.json')

  it('uses inactive_file for page cache', () => {
    const m = computeMetrics(a, b, ctx(4))
    expect(m.memory).toEqual({ usage: 209715200 - 73400320, limit: 536870912, percentage: 25.39, cache: 73400320 })
  })

  it('computes CPU from system_cpu_usage / online_cpus: 1 s of CPU in 2 s on 4 cores', () => {
    expect(computeMetrics(a, b, ctx(4)).cpu).toEqual({ percentage: 12.5, cores: 0.5, limitCores: 4 })
    expect(computeMetrics(a, b, ctx(limitCoresOf({ nanoCpus: 1e9 }, 4))).cpu.percentage).toBe(50)
  })

  it('sums lowercase block I/O ops and network interfaces into totals and per-second rates', () => {
    const m = computeMetrics(a, b, ctx(4))
    expect(m.blockIO).toEqual({ read: 3145728, write: 6291456, readRate: 1048576, writeRate: 2097152 })
    expect(m.network).toEqual({ rx: 30000, tx: 15000, rxRate: 10000, txRate: 5000 })
    expect(m.pids).toBe(5)
  })
})

describe('block I/O op names', () => {
  it('counts Read/Write in any case and ignores Total, Sync and Async', () => {
    const c = countersFromPayload({
      read: '2026-11-26T10:00:00Z',
      blkio_stats: {
        io_service_bytes_recursive: [
          { op: 'Read', value: 100 },
          { op: 'Write', value: 10 },
          { op: 'Sync', value: 110 },
          { op: 'Async', value: 0 },
          { op: 'Total', value: 110 },
          { op: 'read', value: 1 },
          { op: 'WRITE', value: 2 },
        ],
      },
    })!
    expect([c.blkRead, c.blkWrite]).toEqual([101, 12])
  })
})

describe('counters that go backwards', () => {
  it('give no CPU or rates for that sample (the container restarted)', () => {
    const base: RawCounters = {
      at: 0,
      cpuNanos: 5e9,
      memUsage: 1,
      memInactiveFile: 0,
      memLimit: 10,
      netRx: 500,
      netTx: 500,
      blkRead: 500,
      blkWrite: 500,
      pids: 1,
    }
    const m = computeMetrics(
      base,
      { ...base, at: 1000, cpuNanos: 1e8, netRx: 10, blkRead: 10 },
      { ...ctx(1), source: 'cgroup-v1' },
    )
    expect(m.cpu.percentage).toBeNull()
    expect(m.network.rxRate).toBeNull()
    expect(m.network.txRate).toBe(0)
    expect(m.blockIO.readRate).toBeNull()
  })
})

describe('CPU limits', () => {
  it('takes the smallest of NanoCpus, quota/period, cpuset and host cores', () => {
    expect(limitCoresOf({}, 8)).toBe(8)
    expect(limitCoresOf({ nanoCpus: 1.5e9 }, 8)).toBe(1.5)
    expect(limitCoresOf({ cpuQuota: 50_000, cpuPeriod: 100_000 }, 8)).toBe(0.5)
    expect(limitCoresOf({ cpuQuota: 200_000, cpuPeriod: 0 }, 8)).toBe(2)
    expect(limitCoresOf({ cpusetCpus: '0-1' }, 8)).toBe(2)
    expect(limitCoresOf({ nanoCpus: 16e9 }, 8)).toBe(8)
    expect(countCpuset('0-2,4,6-7')).toBe(6)
  })
})

describe('parseNanoTime', () => {
  it('keeps the sub-millisecond part of a nanosecond timestamp', () => {
    const a = parseNanoTime('2026-11-26T10:22:23.029577074Z')
    expect(a - Date.parse('2026-11-26T10:22:23Z')).toBeCloseTo(29.577, 3)
  })
})

describe('metric math guards (what a dashboard would show instead of NaN or Infinity)', () => {
  const base: RawCounters = {
    at: 10_000,
    cpuNanos: 1e9,
    memUsage: 100,
    memInactiveFile: 0,
    memLimit: 1000,
    netRx: 1000,
    netTx: 2000,
    blkRead: 3000,
    blkWrite: 4000,
    pids: 3,
  }
  const c = ctx(1)

  it('gives no CPU or rates when two readings carry the same timestamp', () => {
    const m = computeMetrics(base, { ...base, cpuNanos: 2e9, netRx: 5000, blkWrite: 9000 }, c)
    expect(m.cpu).toEqual({ percentage: null, cores: null, limitCores: 1 })
    expect(m.network).toEqual({ rx: 5000, tx: 2000, rxRate: null, txRate: null })
    expect(m.blockIO).toEqual({ read: 3000, write: 9000, readRate: null, writeRate: null })
  })

  it('gives no CPU either when a clock ran backwards between readings', () => {
    const m = computeMetrics(base, { ...base, at: 9_000, cpuNanos: 2e9, netRx: 5000 }, c)
    expect(m.cpu.percentage).toBeNull()
    expect(m.network.rxRate).toBeNull()
  })

  it('gives no CPU when the daemon reports the same system time twice (stats API)', () => {
    const prev = { ...base, systemNanos: 5e12, onlineCpus: 2 }
    const m = computeMetrics(prev, { ...prev, at: 11_000, cpuNanos: 2e9 }, c)
    expect(m.cpu.percentage).toBeNull()
    // The per-second rates still use the wall clock.
    expect(m.network.rxRate).toBe(0)
  })

  it('falls back to the wall clock when the daemon does not say how many CPUs are online', () => {
    const prev = { ...base, systemNanos: 5e12 }
    // 0.5 s of CPU in 1 s of wall time, on a 1-core limit.
    const m = computeMetrics(prev, { ...prev, at: 11_000, cpuNanos: 1.5e9, systemNanos: 9e12, onlineCpus: 0 }, c)
    expect(m.cpu).toEqual({ percentage: 50, cores: 0.5, limitCores: 1 })
    const half = computeMetrics(base, { ...base, at: 11_000, cpuNanos: 1.5e9, systemNanos: 9e12, onlineCpus: 4 }, c)
    expect(half.cpu.percentage).toBe(50)
  })

  it('divides system time by the online CPUs when both readings have it', () => {
    const prev = { ...base, systemNanos: 4e9, onlineCpus: 4 }
    // 4 cores × 1 s of system time = 1 s of wall time; 0.25 s of CPU in it.
    const m = computeMetrics(prev, { ...prev, at: 99_000, cpuNanos: 1.25e9, systemNanos: 8e9 }, c)
    expect(m.cpu).toEqual({ percentage: 25, cores: 0.25, limitCores: 1 })
  })

  it('reads an idle container (CPU counter unchanged) as 0 %, not as unknown', () => {
    const m = computeMetrics(base, { ...base, at: 11_000 }, c)
    expect(m.cpu).toEqual({ percentage: 0, cores: 0, limitCores: 1 })
  })

  it('falls back to the wall clock when only the earlier reading has system time (the source changed)', () => {
    const prev = { ...base, systemNanos: 5e12, onlineCpus: 2 }
    const m = computeMetrics(prev, { ...base, at: 12_000, cpuNanos: 2e9, onlineCpus: 2 }, c)
    expect(m.cpu).toEqual({ percentage: 50, cores: 0.5, limitCores: 1 })
  })

  it('reads 0 % memory, not Infinity, for a container without a memory limit reading', () => {
    const m = computeMetrics(undefined, { ...base, memLimit: 0 }, c)
    expect(m.memory).toEqual({ usage: 100, limit: 0, percentage: 0, cache: 0 })
  })

  it('leaves page cache in usage when it is not less than the usage (a racy cgroup read)', () => {
    expect(computeMetrics(undefined, { ...base, memInactiveFile: 100 }, c).memory).toEqual({
      usage: 100,
      limit: 1000,
      percentage: 10,
      cache: 0,
    })
    expect(computeMetrics(undefined, { ...base, memInactiveFile: 400 }, c).memory).toMatchObject({
      usage: 100,
      cache: 0,
    })
    expect(computeMetrics(undefined, { ...base, memInactiveFile: 99 }, c).memory).toEqual({
      usage: 1,
      limit: 1000,
      percentage: 0.1,
      cache: 99,
    })
  })

  it('gives no network rate for a counter that appears between two samples, then a rate on the next', () => {
    const before = { ...base, netRx: null, netTx: null }
    const appeared = { ...base, at: 11_000, netRx: 7000, netTx: 8000 }
    const m = computeMetrics(before, appeared, c)
    expect(m.network).toEqual({ rx: 7000, tx: 8000, rxRate: null, txRate: null })
    const next = computeMetrics(appeared, { ...appeared, at: 13_000, netRx: 9000, netTx: 8001 }, c)
    expect(next.network).toEqual({ rx: 9000, tx: 8001, rxRate: 1000, txRate: 0.5 })
  })

  it('gives no network rate for a counter that disappears between two samples', () => {
    const m = computeMetrics(base, { ...base, at: 11_000, netRx: null, netTx: null }, c)
    expect(m.network).toEqual({ rx: null, tx: null, rxRate: null, txRate: null })
  })

  it('rounds rates to one decimal and CPU to two (percentage) and three (cores) decimals', () => {
    // 1 byte in 3 s; 1/3 s of CPU in 3 s on a 0.7-core limit.
    const m = computeMetrics(base, { ...base, at: 13_000, netRx: 1001, cpuNanos: 1e9 + 1e9 / 3 }, ctx(0.7))
    expect(m.network.rxRate).toBe(0.3)
    expect(m.cpu.cores).toBe(0.111)
    expect(m.cpu.percentage).toBe(15.87)
    expect(computeMetrics(undefined, base, ctx(2 / 3)).cpu.limitCores).toBe(0.667)
  })

  it('carries the context through unchanged', () => {
    const m = computeMetrics(undefined, base, {
      source: 'cgroup-v2',
      limitCores: 1,
      restartCount: 4,
      uptime: 77,
      timestamp: 'T',
    })
    expect(m).toMatchObject({ timestamp: 'T', source: 'cgroup-v2', restartCount: 4, uptime: 77, pids: 3 })
  })
})

describe('CPU limits: settings that do not limit', () => {
  it('ignores zero and negative NanoCpus and quotas (-1 means no quota)', () => {
    expect(limitCoresOf({ nanoCpus: 0, cpuQuota: -1, cpuPeriod: 100_000 }, 4)).toBe(4)
    expect(limitCoresOf({ nanoCpus: -5, cpuQuota: 0 }, 4)).toBe(4)
    expect(limitCoresOf({ nanoCpus: null, cpuQuota: null, cpuPeriod: null, cpusetCpus: null }, 4)).toBe(4)
  })

  it('lets a cpuset limit when NanoCpus or the quota is negative (-1: no limit)', () => {
    expect(limitCoresOf({ nanoCpus: -1, cpusetCpus: '0-1' }, 4)).toBe(2)
    expect(limitCoresOf({ cpuQuota: -1, cpuPeriod: 100_000, cpusetCpus: '3' }, 4)).toBe(1)
  })

  it('takes the default 100 ms period when only a quota is set', () => {
    expect(limitCoresOf({ cpuQuota: 150_000 }, 4)).toBe(1.5)
    expect(limitCoresOf({ cpuQuota: 50_000, cpuPeriod: 50_000 }, 4)).toBe(1)
  })

  it('keeps a tiny limit as it is, and an empty cpuset limits nothing', () => {
    expect(limitCoresOf({ nanoCpus: 1 }, 4)).toBe(1e-9)
    expect(limitCoresOf({}, 0)).toBe(0)
    expect(limitCoresOf({ cpusetCpus: '' }, 3)).toBe(3)
  })

  it('each limit wins only when smaller than the others', () => {
    expect(limitCoresOf({ nanoCpus: 3e9, cpuQuota: 100_000, cpuPeriod: 100_000, cpusetCpus: '0-1' }, 8)).toBe(1)
    expect(limitCoresOf({ nanoCpus: 3e9, cpuQuota: 400_000, cpuPeriod: 100_000, cpusetCpus: '0-1' }, 8)).toBe(2)
    expect(limitCoresOf({ nanoCpus: 1e9, cpusetCpus: '0-3' }, 8)).toBe(1)
  })
})

describe('countCpuset', () => {
  it.each([
    ['', 0],
    [null, 0],
    [undefined, 0],
    ['3', 1],
    ['0,2', 2],
    [' 0 - 3 , 5 ', 5],
    ['4-4', 1],
    // A reversed or half-written range counts its first CPU; junk counts nothing.
    ['5-2', 1],
    ['2-x', 1],
    ['2-3.5', 1],
    ['x', 0],
    ['0-1,y,3', 3],
    ['1.5', 0],
  ])('%j allows %i CPUs', (spec, n) => {
    expect(countCpuset(spec)).toBe(n)
  })
})
