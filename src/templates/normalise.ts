import type { ValidationIssue } from '../schemas/template'

/**
 * Expands the shorthands people write by hand (and the original system stored) into the
 * canonical template shape, before the schema sees it:
 * - ports `"8080:80/tcp"`, `"443/tcp"`, `":80/tcp"` or `80`;
 * - env `"NAME=value"`, with number and boolean defaults turned into strings;
 * - volumes `"/data"`, `"name:/data"`, `"/host/dir:/data:ro"`;
 * - command `"server --console-address ':9090' /data"` (split like a shell would, without expansion);
 * - healthcheck test `"pg_isready"` (→ `["CMD-SHELL", "pg_isready"]`);
 * - the original system's field names `dockerImage`, `environment`, `commands`.
 * Problems are reported with their path; the value is left as it was so the schema adds nothing.
 */
export function expandShorthands(input: Record<string, unknown>): {
  value: Record<string, unknown>
  errors: ValidationIssue[]
  warnings: ValidationIssue[]
} {
  const value: Record<string, unknown> = { ...input }
  const errors: ValidationIssue[] = []
  const warnings: ValidationIssue[] = []

  for (const [legacy, current] of [
    ['dockerImage', 'image'],
    ['environment', 'env'],
    ['commands', 'command'],
  ] as const) {
    if (!(legacy in value)) continue
    if (!(current in value)) {
      value[current] = value[legacy]
      warnings.push({ path: legacy, code: 'renamed_field', message: `'${legacy}' is read as '${current}'` })
    } else {
      warnings.push({
        path: legacy,
        code: 'unknown_field',
        message: `'${legacy}' is ignored because '${current}' is given; it is not stored`,
      })
    }
    delete value[legacy]
  }

  if (Array.isArray(value.ports)) {
    value.ports = value.ports.map((p, i) => {
      if (typeof p === 'number') return { container: p }
      if (typeof p !== 'string') return p
      const parsed = parsePortString(p)
      if ('error' in parsed) {
        errors.push({ path: `ports.${i}`, code: 'invalid_port', message: parsed.error })
        return p
      }
      return parsed
    })
  }

  if (Array.isArray(value.env)) {
    value.env = value.env.map((e) => {
      if (typeof e === 'string') {
        const eq = e.indexOf('=')
        return eq === -1 ? { name: e } : { name: e.slice(0, eq), default: e.slice(eq + 1) }
      }
      if (e && typeof e === 'object' && !Array.isArray(e)) {
        const entry = { ...(e as Record<string, unknown>) }
        if (typeof entry.default === 'number' || typeof entry.default === 'boolean')
          entry.default = String(entry.default)
        if (Array.isArray(entry.options)) {
          entry.options = entry.options.map((o) => (typeof o === 'string' ? { label: o, value: o } : o))
        }
        return entry
      }
      return e
    })
  }

  if (Array.isArray(value.volumes)) {
    value.volumes = value.volumes.map((v, i) => {
      if (typeof v !== 'string') return v
      const parsed = parseVolumeString(v)
      if ('error' in parsed) {
        errors.push({ path: `volumes.${i}`, code: 'invalid_volume', message: parsed.error })
        return v
      }
      return parsed
    })
  }

  if (typeof value.command === 'string') {
    const words = splitCommand(value.command)
    if (words === null) errors.push({ path: 'command', code: 'invalid_command', message: 'has an unterminated quote' })
    else value.command = words
  }

  if (typeof value.tags === 'string')
    value.tags = value.tags
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean)

  const hc = value.healthcheck
  if (hc && typeof hc === 'object' && !Array.isArray(hc) && typeof (hc as { test?: unknown }).test === 'string') {
    value.healthcheck = { ...hc, test: ['CMD-SHELL', (hc as { test: string }).test] }
  }

  return { value, errors, warnings }
}

export type ParsedPort = { container: number; host?: number; protocol: 'tcp' | 'udp' }

/** `[host:]container[/tcp|udp]`, as Docker's `-p` and Portainer templates write it. */
export function parsePortString(spec: string): ParsedPort | { error: string } {
  const match = /^(?:(\d{0,5}):)?(\d{1,5})(?:\/(tcp|udp))?$/i.exec(spec.trim())
  if (!match) return { error: `'${spec}' is not a port mapping like "8080:80/tcp" or "80/tcp"` }
  const container = Number(match[2])
  const host = match[1] ? Number(match[1]) : undefined
  if (container < 1 || container > 65535) return { error: `container port ${container} is out of range (1-65535)` }
  if (host !== undefined && (host < 1 || host > 65535)) return { error: `host port ${host} is out of range (1-65535)` }
  return {
    container,
    ...(host !== undefined ? { host } : {}),
    protocol: (match[3]?.toLowerCase() ?? 'tcp') as 'tcp' | 'udp',
  }
}

/** `/data`, `name:/data` or `/host/dir:/data`, each optionally followed by `:ro` or `:rw`. */
export type ParsedVolume = { container: string; name?: string; bind?: string; readOnly: boolean }

export function parseVolumeString(spec: string): ParsedVolume | { error: string } {
  const parts = spec.split(':')
  let readOnly = false
  if (parts.length > 1 && /^(ro|rw)$/.test(parts[parts.length - 1]!)) readOnly = parts.pop() === 'ro'
  if (parts.length === 1 && parts[0]!.startsWith('/')) return { container: parts[0]!, readOnly }
  if (parts.length === 2 && parts[1]!.startsWith('/')) {
    const [source, container] = parts as [string, string]
    return source.startsWith('/') ? { bind: source, container, readOnly } : { name: source, container, readOnly }
  }
  return { error: `'${spec}' is not a volume like "/data", "name:/data" or "/host/dir:/data:ro"` }
}

/**
 * Splits a command line into words the way a POSIX shell does for quotes and backslashes,
 * without expanding anything. Null when a quote is left open.
 */
export function splitCommand(line: string): string[] | null {
  const words: string[] = []
  let word = ''
  let inWord = false
  let quote: '"' | "'" | null = null
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!
    if (quote === "'") {
      if (ch === "'") quote = null
      else word += ch
    } else if (quote === '"') {
      if (ch === '"') quote = null
      else if (ch === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1]!)) word += line[++i]
      else word += ch
    } else if (ch === "'" || ch === '"') {
      quote = ch
      inWord = true
    } else if (ch === '\\' && i + 1 < line.length) {
      word += line[++i]
      inWord = true
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(word)
      word = ''
      inWord = false
    } else {
      word += ch
      inWord = true
    }
  }
  if (quote) return null
  if (inWord) words.push(word)
  return words
}
