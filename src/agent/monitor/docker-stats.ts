import type Docker from 'dockerode'
import type { RawCounters } from './counters'

/** The fields of Docker's stats payload we read; the same endpoint answers in v1 and v2 shapes. */
export interface StatsPayload {
  read?: string
  pids_stats?: { current?: number }
  blkio_stats?: { io_service_bytes_recursive?: { op?: string; value?: number }[] | null }
  cpu_stats?: {
    cpu_usage?: { total_usage?: number; percpu_usage?: number[] }
    system_cpu_usage?: number
    online_cpus?: number
  }
  memory_stats?: { usage?: number; limit?: number; stats?: Record<string, number> }
  networks?: Record<string, { rx_bytes?: number; tx_bytes?: number }>
}

/** Milliseconds (with the sub-millisecond part) of an RFC 3339 time with nanoseconds. */
export function parseNanoTime(iso: string): number {
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(iso)
  if (!m) return Date.parse(iso)
  const fraction = m[2] ? Number(`0.${m[2]}`) * 1000 : 0
  return Date.parse(`${m[1]}${m[3]}`) + fraction
}

/**
 * Reads a stats payload into counters; null for a container that is not running (Docker
 * answers with a zero `read` time and empty sections). Memory: cgroup v1 payloads carry
 * `total_inactive_file`, v2 payloads `inactive_file`. Block I/O op names are `Read`/`Write` on
 * v1 and `read`/`write` on v2, so they are compared without case.
 */
export function countersFromPayload(payload: StatsPayload): RawCounters | null {
  if (!payload.read || payload.read.startsWith('0001-')) return null
  const cpu = payload.cpu_stats ?? {}
  const mem = payload.memory_stats ?? {}
  const stats = mem.stats ?? {}
  const inactive = 'total_inactive_file' in stats ? stats.total_inactive_file : stats.inactive_file
  let blkRead = 0
  let blkWrite = 0
  for (const entry of payload.blkio_stats?.io_service_bytes_recursive ?? []) {
    const op = (entry.op ?? '').toLowerCase()
    if (op === 'read') blkRead += entry.value ?? 0
    else if (op === 'write') blkWrite += entry.value ?? 0
  }
  let netRx: number | null = null
  let netTx: number | null = null
  if (payload.networks) {
    netRx = 0
    netTx = 0
    for (const nic of Object.values(payload.networks)) {
      netRx += nic.rx_bytes ?? 0
      netTx += nic.tx_bytes ?? 0
    }
  }
  return {
    at: parseNanoTime(payload.read),
    cpuNanos: cpu.cpu_usage?.total_usage ?? 0,
    ...(cpu.system_cpu_usage ? { systemNanos: cpu.system_cpu_usage } : {}),
    onlineCpus: cpu.online_cpus || cpu.cpu_usage?.percpu_usage?.length || undefined,
    memUsage: mem.usage ?? 0,
    memInactiveFile: inactive ?? 0,
    memLimit: mem.limit ?? 0,
    netRx,
    netTx,
    blkRead,
    blkWrite,
    pids: payload.pids_stats?.current ?? null,
  }
}

/**
 * One reading through the API: `stream=false&one-shot=true` returns the daemon's latest
 * collection without waiting for a second one; CPU deltas come from our own previous reading.
 */
export async function readDockerStats(
  docker: Docker,
  containerId: string,
  signal: AbortSignal,
): Promise<RawCounters | null> {
  const payload = (await docker
    .getContainer(containerId)
    .stats({ stream: false, 'one-shot': true, abortSignal: signal } as { stream: false })) as unknown as StatsPayload
  return countersFromPayload(payload)
}
