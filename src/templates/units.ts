const MEMORY_UNITS: Record<string, number> = {
  b: 1,
  k: 1024,
  kb: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
}

/** `512m` → 536870912; a bare number is bytes, as Docker reads it. Null when unreadable. */
export function parseMemory(size: string): number | null {
  const match = /^(\d+(?:\.\d+)?)\s*(b|k|kb|m|mb|g|gb)?$/i.exec(size.trim())
  if (!match) return null
  return Math.floor(Number(match[1]) * MEMORY_UNITS[(match[2] ?? 'b').toLowerCase()]!)
}

const DURATION_NS: Record<string, number> = { ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 }

/** `30s` → 30000000000 (Docker's healthcheck fields are nanoseconds). */
export function parseDurationNs(duration: string): number | null {
  const match = /^(\d+)(ms|s|m|h)$/.exec(duration)
  return match ? Number(match[1]) * DURATION_NS[match[2]!]! : null
}

/** `536870912` → `512M`, as the original catalogue showed RAM. */
export function formatMemory(bytes: number): string {
  if (bytes >= 1024 ** 3 && bytes % 1024 ** 3 === 0) return `${bytes / 1024 ** 3}G`
  if (bytes >= 1024 ** 2) return `${Math.round((bytes / 1024 ** 2) * 10) / 10}M`
  return `${bytes}B`
}
