import { readFile, statfs } from 'node:fs/promises'
import os from 'node:os'
import { dirname, join } from 'node:path'
import type { DiskUsage } from '../../schemas/monitoring'

/** Busy and total jiffies of all CPUs from the first line of /proc/stat. */
export function parseProcStat(text: string): { busy: number; total: number } | null {
  const line = text.split('\n').find((l) => l.startsWith('cpu '))
  if (!line) return null
  // user nice system idle iowait irq softirq steal (guest time is already inside user).
  const f = line.trim().split(/\s+/).slice(1, 9).map(Number)
  if (f.length < 4 || f.some((n) => !Number.isFinite(n))) return null
  const total = f.reduce((a, b) => a + b, 0)
  const idle = f[3]! + (f[4] ?? 0)
  return { busy: total - idle, total }
}

/** MemTotal and MemAvailable (bytes) from /proc/meminfo; Node's os figures where it is missing. */
export function parseMeminfo(text: string): { total: number; available: number } {
  const kb = (name: string) => {
    const m = new RegExp(`^${name}:\\s+(\\d+)\\s*kB`, 'm').exec(text)
    return m ? Number(m[1]) * 1024 : null
  }
  return { total: kb('MemTotal') ?? os.totalmem(), available: kb('MemAvailable') ?? os.freemem() }
}

/**
 * Host CPU % between two readings of /proc/stat. The collector takes a reading every tick, so
 * a request is answered against the latest one without waiting.
 */
export function createHostCpu(procRoot: string) {
  let last: { busy: number; total: number } | null = null
  let lastPercentage: number | null = null

  async function read() {
    const text = await readFile(join(procRoot, 'stat'), 'utf8').catch(() => '')
    return parseProcStat(text)
  }

  return {
    /** Takes a reading; returns the CPU % since the previous one (null on the first). */
    async sample(): Promise<number | null> {
      const now = await read()
      if (!now) return null
      if (last && now.total > last.total) {
        lastPercentage = Math.round(((now.busy - last.busy) / (now.total - last.total)) * 10_000) / 100
      }
      // Readings closer than a few jiffies apart say nothing; keep the older baseline then.
      if (!last || now.total - last.total >= 10) last = now
      return lastPercentage
    },
    latest: () => lastPercentage,
  }
}

export type HostCpu = ReturnType<typeof createHostCpu>

/** Usage of the filesystem holding `path` (its nearest existing ancestor when it does not exist yet). */
export async function diskUsage(path: string): Promise<DiskUsage | null> {
  let probe = path
  for (let i = 0; i < 64; i++) {
    try {
      const s = await statfs(probe)
      const total = s.blocks * s.bsize
      const available = s.bavail * s.bsize
      const used = (s.blocks - s.bfree) * s.bsize
      // As df computes it: used / (used + available to unprivileged users).
      const percentage = used + available > 0 ? Math.round((used / (used + available)) * 10_000) / 100 : 0
      return { path, total, used, available, percentage }
    } catch {
      const parent = dirname(probe)
      if (parent === probe) return null
      probe = parent
    }
  }
  return null
}
