/**
 * IP address literals, parsed without node:* so the same code runs in handlers on Workers and
 * in the agent. A parsed address is its bytes: 4 for IPv4, 16 for IPv6.
 */
export interface IpAddress {
  version: 4 | 6
  bytes: Uint8Array
}

const DIGITS: Record<number, RegExp> = { 8: /^[0-7]+$/, 10: /^[0-9]+$/, 16: /^[0-9a-f]+$/i }

/** One inet_aton part: decimal, 0x hex or 0-prefixed octal; null when it is none of them. */
function ipv4Part(part: string): number | null {
  let radix = 10
  let digits = part
  if (/^0x/i.test(part)) {
    radix = 16
    digits = part.slice(2)
    // inet_aton and the WHATWG URL parser read a bare "0x" as zero
    if (digits === '') return 0
  } else if (part.length > 1 && part.startsWith('0')) {
    radix = 8
    digits = part.slice(1)
  }
  if (!DIGITS[radix]!.test(digits)) return null
  // Long runs of leading zeros are still small numbers; anything else this long overflows.
  const value = parseInt(digits, radix)
  return Number.isSafeInteger(value) ? value : null
}

/**
 * IPv4 in every spelling inet_aton (and so curl, ping and many HTTP clients) accepts: one to four
 * parts, each decimal, hex or octal, the last filling the remaining bytes (`127.1`,
 * `2130706433`, `0x7f000001`, `0177.0.0.1`). A trailing dot is allowed, as URL parsers do.
 */
export function parseIpv4(text: string): IpAddress | null {
  const parts = text.replace(/\.$/, '').split('.')
  if (parts.length < 1 || parts.length > 4 || parts.some((p) => p === '')) return null
  const values = parts.map(ipv4Part)
  if (values.some((v) => v === null)) return null
  const nums = values as number[]
  const last = nums.pop()!
  if (nums.some((v) => v > 255) || last >= 256 ** (4 - nums.length)) return null
  const value = nums.reduce((acc, v, i) => acc + v * 256 ** (3 - i), 0) + last
  return { version: 4, bytes: new Uint8Array([value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255]) }
}

/** IPv6 with `::`, an embedded dotted IPv4 tail and an optional `%zone` (ignored). */
export function parseIpv6(text: string): IpAddress | null {
  const address = text.replace(/%[^%]+$/, '')
  if (!/^[0-9a-f:.]+$/i.test(address)) return null
  const halves = address.split('::')
  if (halves.length > 2) return null
  const groups = (half: string): number[] | null => {
    if (half === '') return []
    const out: number[] = []
    const parts = half.split(':')
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!
      if (i === parts.length - 1 && part.includes('.')) {
        // Only plain dotted decimal is valid inside IPv6 (RFC 4291), not inet_aton spellings.
        if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(part)) return null
        const v4 = part.split('.').map(Number)
        if (v4.some((n) => n > 255)) return null
        out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!)
      } else {
        if (!/^[0-9a-f]{1,4}$/i.test(part)) return null
        out.push(parseInt(part, 16))
      }
    }
    return out
  }
  const head = groups(halves[0]!)
  const tail = halves.length === 2 ? groups(halves[1]!) : []
  if (!head || !tail) return null
  const missing = 8 - head.length - tail.length
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null
  const all = [...head, ...Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail]
  const bytes = new Uint8Array(16)
  for (const [i, g] of all.entries()) {
    bytes[2 * i] = g >> 8
    bytes[2 * i + 1] = g & 255
  }
  return { version: 6, bytes }
}

/** An address literal as a URL host or a resolver answer may spell it: IPv4, IPv6, `[IPv6]`. */
export function parseIp(text: string): IpAddress | null {
  const t = text.trim()
  if (t.startsWith('[') && t.endsWith(']')) return parseIpv6(t.slice(1, -1))
  if (t.includes(':')) return parseIpv6(t)
  return parseIpv4(t)
}

/** Canonical text: dotted decimal, or RFC 5952 compressed IPv6. */
export function formatIp(ip: IpAddress): string {
  const b = ip.bytes
  if (ip.version === 4) return Array.from(b).join('.')
  const groups = Array.from({ length: 8 }, (_, i) => (b[2 * i]! << 8) | b[2 * i + 1]!)
  // The longest run of at least two zero groups becomes "::".
  let best = { start: -1, length: 0 }
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++
      continue
    }
    let j = i
    while (j < 8 && groups[j] === 0) j++
    if (j - i > best.length && j - i >= 2) best = { start: i, length: j - i }
    i = j
  }
  const hex = groups.map((g) => g.toString(16))
  if (best.start < 0) return hex.join(':')
  return `${hex.slice(0, best.start).join(':')}::${hex.slice(best.start + best.length).join(':')}`
}

export interface Cidr {
  ip: IpAddress
  prefix: number
}

/** `10.0.0.0/8`, `fd00::/8`, or a bare address (a /32 or /128); null when malformed. */
export function parseCidr(text: string): Cidr | null {
  const [addr, prefixText, extra] = text.trim().split('/')
  if (extra !== undefined || !addr) return null
  // CIDRs are written canonically: an inet_aton spelling here is more likely a typo.
  const ip = addr.includes(':') ? parseIpv6(addr) : /^\d{1,3}(\.\d{1,3}){3}$/.test(addr) ? parseIpv4(addr) : null
  if (!ip) return null
  const max = ip.version === 4 ? 32 : 128
  if (prefixText === undefined) return { ip, prefix: max }
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > max) return null
  return { ip, prefix: Number(prefixText) }
}

/** Whether `ip` lies in `cidr` (an IPv4 CIDR never matches an IPv6 address, nor the reverse). */
export function cidrContains(cidr: Cidr, ip: IpAddress): boolean {
  if (cidr.ip.version !== ip.version) return false
  const full = Math.floor(cidr.prefix / 8)
  for (let i = 0; i < full; i++) if (cidr.ip.bytes[i] !== ip.bytes[i]) return false
  const rest = cidr.prefix % 8
  if (rest === 0) return true
  const mask = (0xff << (8 - rest)) & 0xff
  return (cidr.ip.bytes[full]! & mask) === (ip.bytes[full]! & mask)
}
