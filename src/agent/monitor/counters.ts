/**
 * Cumulative counters of one container at one moment, as read from its cgroup files or from
 * Docker's stats API. Two of them make a sample (stats-math.ts): CPU and I/O are counters, so a
 * percentage or a rate needs the previous reading.
 */
export interface RawCounters {
  /** Milliseconds on a monotonic clock (or the daemon's read time) when the counters were read. */
  at: number
  /** CPU time used by the container since it started, in nanoseconds. */
  cpuNanos: number
  /**
   * Host CPU time across all cores (Docker API only), in nanoseconds. With `onlineCpus` it gives
   * the wall time between two readings on the daemon's own clock, which is what the CPU counter
   * was read against.
   */
  systemNanos?: number
  onlineCpus?: number
  /** Memory charged to the container, page cache included. */
  memUsage: number
  /** Reclaimable page cache (inactive_file): left out of usage, as `docker stats` does. */
  memInactiveFile: number
  /** The container's memory limit, at most the host's memory. */
  memLimit: number
  /** Bytes received and sent on the container's interfaces (loopback excluded); null when unknown. */
  netRx: number | null
  netTx: number | null
  blkRead: number
  blkWrite: number
  pids: number | null
}

/** Parses a decimal counter; cgroup files hold one number per line or `key value` pairs. */
export function toNumber(text: string | undefined): number {
  const n = Number((text ?? '').trim())
  return Number.isFinite(n) ? n : 0
}

/** `key value` lines (memory.stat, cpu.stat) into a map. */
export function parseKeyValues(text: string): Map<string, number> {
  const out = new Map<string, number>()
  for (const line of text.split('\n')) {
    const [key, value] = line.trim().split(/\s+/)
    if (key && value !== undefined) out.set(key, toNumber(value))
  }
  return out
}
