import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { RawCounters } from '../../src/agent/monitor/counters'
import { countersFromPayload, parseNanoTime, type StatsPayload } from '../../src/agent/monitor/docker-stats'
import { computeMetrics, countCpuset, limitCoresOf } from '../../src/agent/monitor/stats-math'

const FIXTURES = join(import.meta.dirname, '../fixtures/stats')
const payload = (name: string) => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as StatsPayload
const counters = (name: string) => countersFromPayload(payload(name))!

const ctx = (limitCores: number) => ({ source: 'docker-api' as const, limitCores, restartCount: 0, uptime: 10, timestamp: '2026-11-26T10:00:00.000Z' })

describe('metric math on payloads recorded from this engine (cgroup v1)', () => {
  it('normalises CPU to the --cpus 0.2 limit: a busy loop reads ~100 %, 0.2 cores', () => {
    const m = computeMetrics(counters('v1-busy-oneshot-a.json'), counters('v1-busy-oneshot-b.json'), ctx(limitCoresOf({ nanoCpus: 2e8 }, 2)))
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
    const p = payload('v1-busy-stream-false.json') as StatsPayload & { preread: string; precpu_stats: StatsPayload['cpu_stats'] }
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
    const base: RawCounters = { at: 0, cpuNanos: 5e9, memUsage: 1, memInactiveFile: 0, memLimit: 10, netRx: 500, netTx: 500, blkRead: 500, blkWrite: 500, pids: 1 }
    const m = computeMetrics(base, { ...base, at: 1000, cpuNanos: 1e8, netRx: 10, blkRead: 10 }, { ...ctx(1), source: 'cgroup-v1' })
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
