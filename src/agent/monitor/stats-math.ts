import type { MetricsSource, ServiceMetrics } from '../../schemas/monitoring'
import type { RawCounters } from './counters'

/** What the math needs to know about the container besides its counters. */
export interface SampleContext {
  source: MetricsSource
  /** CPU cores the container may use: its limit, else the host's cores. */
  limitCores: number
  restartCount: number
  uptime: number
  timestamp: string
}

const round = (n: number, digits = 2) => {
  const f = 10 ** digits
  return Math.round(n * f) / f
}

/**
 * Turns two readings into a sample. CPU % = Δ CPU time / Δ wall time / the CPU limit, so a
 * container limited to 0.2 cores that uses all of it reads 100 %, with `cores` 0.2. A counter
 * that went backwards (the container restarted and its cgroup was recreated) gives no rate for
 * this one sample rather than a wrong one.
 */
export function computeMetrics(prev: RawCounters | undefined, cur: RawCounters, ctx: SampleContext): ServiceMetrics {
  const seconds = prev ? (cur.at - prev.at) / 1000 : 0
  const rate = (a: number | null | undefined, b: number | null | undefined) =>
    prev && seconds > 0 && a != null && b != null && b >= a ? round((b - a) / seconds, 1) : null

  let cores: number | null = null
  if (prev && cur.cpuNanos >= prev.cpuNanos) {
    const wallNanos =
      cur.systemNanos !== undefined && prev.systemNanos !== undefined && cur.onlineCpus
        ? (cur.systemNanos - prev.systemNanos) / cur.onlineCpus
        : (cur.at - prev.at) * 1e6
    if (wallNanos > 0) cores = (cur.cpuNanos - prev.cpuNanos) / wallNanos
  }

  const cache = cur.memInactiveFile < cur.memUsage ? cur.memInactiveFile : 0
  const usage = cur.memUsage - cache
  return {
    timestamp: ctx.timestamp,
    source: ctx.source,
    cpu: {
      percentage: cores === null ? null : round((cores / ctx.limitCores) * 100),
      cores: cores === null ? null : round(cores, 3),
      limitCores: round(ctx.limitCores, 3),
    },
    memory: {
      usage,
      limit: cur.memLimit,
      percentage: cur.memLimit > 0 ? round((usage / cur.memLimit) * 100) : 0,
      cache,
    },
    network: {
      rx: cur.netRx,
      tx: cur.netTx,
      rxRate: rate(prev?.netRx, cur.netRx),
      txRate: rate(prev?.netTx, cur.netTx),
    },
    blockIO: {
      read: cur.blkRead,
      write: cur.blkWrite,
      readRate: rate(prev?.blkRead, cur.blkRead),
      writeRate: rate(prev?.blkWrite, cur.blkWrite),
    },
    pids: cur.pids,
    restartCount: ctx.restartCount,
    uptime: ctx.uptime,
  }
}

/** Host settings that bound a container's CPU: NanoCpus, or CpuQuota/CpuPeriod, and its cpuset. */
export interface CpuLimits {
  nanoCpus?: number | null
  cpuQuota?: number | null
  cpuPeriod?: number | null
  cpusetCpus?: string | null
}

/**
 * The cores a container may use, for normalising its CPU percentage: the smallest of its
 * NanoCpus (`--cpus`), its quota / period, the CPUs its cpuset allows and the host's cores.
 */
export function limitCoresOf(limits: CpuLimits, hostCores: number): number {
  let cores = hostCores
  if (limits.nanoCpus && limits.nanoCpus > 0) cores = Math.min(cores, limits.nanoCpus / 1e9)
  if (limits.cpuQuota && limits.cpuQuota > 0) cores = Math.min(cores, limits.cpuQuota / (limits.cpuPeriod || 100_000))
  const cpuset = countCpuset(limits.cpusetCpus)
  if (cpuset) cores = Math.min(cores, cpuset)
  return cores > 0 ? cores : hostCores
}

/** "0-2,4" → 4. */
export function countCpuset(spec: string | null | undefined): number {
  if (!spec) return 0
  let n = 0
  for (const part of spec.split(',')) {
    const [a, b] = part.split('-').map((s) => Number(s.trim()))
    if (a === undefined || !Number.isInteger(a)) continue
    n += b !== undefined && Number.isInteger(b) && b >= a ? b - a + 1 : 1
  }
  return n
}
