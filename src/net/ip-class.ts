import { cidrContains, parseCidr, type Cidr, type IpAddress } from './ip'

/**
 * What kind of destination an address is. Everything but `public` is somewhere a server-side
 * request should not go by default: this host, the local network, or no real host at all.
 */
export type AddressClass =
  | 'public'
  | 'loopback'
  | 'unspecified'
  | 'private'
  | 'link_local'
  | 'cgnat'
  | 'multicast'
  | 'reserved'
  | 'cloud_metadata'

const table = (rows: [string, AddressClass][]): [Cidr, AddressClass][] => rows.map(([c, k]) => [parseCidr(c)!, k])

// Most specific first: the first match wins.
const IPV4 = table([
  // Cloud instance metadata (AWS/GCP/Azure/OpenStack, AWS ECS task, Alibaba): credentials live there.
  ['169.254.169.254/32', 'cloud_metadata'],
  ['169.254.170.2/32', 'cloud_metadata'],
  ['100.100.100.200/32', 'cloud_metadata'],
  ['0.0.0.0/8', 'unspecified'],
  ['10.0.0.0/8', 'private'],
  ['100.64.0.0/10', 'cgnat'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link_local'],
  ['172.16.0.0/12', 'private'],
  ['192.0.0.0/24', 'reserved'],
  ['192.0.2.0/24', 'reserved'],
  ['192.168.0.0/16', 'private'],
  ['198.18.0.0/15', 'reserved'],
  ['198.51.100.0/24', 'reserved'],
  ['203.0.113.0/24', 'reserved'],
  ['224.0.0.0/4', 'multicast'],
  ['240.0.0.0/4', 'reserved'],
])

const IPV6 = table([
  ['fd00:ec2::254/128', 'cloud_metadata'],
  ['::/128', 'unspecified'],
  ['::1/128', 'loopback'],
  ['64:ff9b:1::/48', 'private'],
  ['100::/64', 'reserved'],
  ['2001::/32', 'reserved'], // Teredo: the IPv4 inside is obfuscated, so it cannot be judged
  ['2001:db8::/32', 'reserved'],
  ['fc00::/7', 'private'],
  ['fe80::/10', 'link_local'],
  ['fec0::/10', 'private'], // deprecated site-local, still routed inside some networks
  ['ff00::/8', 'multicast'],
])

const GLOBAL_UNICAST = parseCidr('2000::/3')!

/**
 * IPv6 forms that carry an IPv4 address a connection may end up at: IPv4-mapped
 * (::ffff:a.b.c.d), IPv4-translated (::ffff:0:a.b.c.d), IPv4-compatible (::a.b.c.d), the NAT64
 * well-known prefix (64:ff9b::a.b.c.d) and 6to4 (2002:aabb:ccdd::).
 */
const EMBEDDING: [Cidr, number][] = [
  [parseCidr('::ffff:0:0/96')!, 12],
  [parseCidr('::ffff:0:0:0/96')!, 12],
  [parseCidr('::/96')!, 12],
  [parseCidr('64:ff9b::/96')!, 12],
  [parseCidr('2002::/16')!, 2],
]

/** The IPv4 address an IPv6 address stands for, if it is one of the embedding forms. */
export function embeddedIpv4(ip: IpAddress): IpAddress | null {
  if (ip.version !== 6) return null
  for (const [cidr, offset] of EMBEDDING) {
    if (cidrContains(cidr, ip)) return { version: 4, bytes: ip.bytes.slice(offset, offset + 4) }
  }
  return null
}

/** Classifies an address; an IPv6 form that embeds IPv4 is judged by the IPv4 inside. */
export function classifyIp(ip: IpAddress): AddressClass {
  if (ip.version === 6) {
    const exact = IPV6.find(([cidr]) => cidrContains(cidr, ip))
    // ::, ::1 and the prefixes above are what they say, not IPv4-compatible addresses.
    if (exact) return exact[1]
    const inner = embeddedIpv4(ip)
    if (inner) return classifyIp(inner)
    return cidrContains(GLOBAL_UNICAST, ip) ? 'public' : 'reserved'
  }
  return IPV4.find(([cidr]) => cidrContains(cidr, ip))?.[1] ?? 'public'
}
