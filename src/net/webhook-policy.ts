import type { Config } from '../config'
import { AppError } from '../errors'
import { cidrContains, formatIp, parseCidr, parseIp, type Cidr, type IpAddress } from './ip'
import { classifyIp, embeddedIpv4, type AddressClass } from './ip-class'

/** Why a destination was refused: an address class, or one of our own listeners. */
export type WebhookRule = Exclude<AddressClass, 'public'> | 'own_listener'

export interface Refusal {
  rule: WebhookRule
  /** The address (or host name) that was judged. */
  address: string
  message: string
}

export interface Listener {
  host: string
  port: number
}

/**
 * Where alert webhooks may go. Public addresses always; the local network only when the
 * operator opts in (ZAPIE_WEBHOOK_ALLOW_PRIVATE: `true`, or a list of CIDRs); never this
 * service's own listeners (API, agent, a TCP Docker endpoint), whatever the opt-in says.
 */
export interface WebhookPolicy {
  allowPrivate: boolean | Cidr[]
  listeners: Listener[]
  /** This host's interface addresses (agent side): a listener bound to 0.0.0.0 answers on each. */
  localAddresses: IpAddress[]
}

/** Classes no opt-in makes a destination: not a host, or a credential store. */
const ALWAYS_REFUSED = new Set<WebhookRule>(['unspecified', 'multicast', 'cloud_metadata', 'own_listener'])

const DESCRIPTION: Record<WebhookRule, string> = {
  loopback: 'a loopback address (this host)',
  unspecified: 'the unspecified address (this host)',
  private: 'a private network address',
  link_local: 'a link-local address',
  cgnat: 'a carrier-grade NAT (shared) address',
  multicast: 'a multicast address',
  reserved: 'a reserved or special-purpose address',
  cloud_metadata: 'a cloud instance metadata address',
  own_listener: "this service's own API, agent or Docker listener",
}

type ListenerConfig = Pick<
  Config,
  'host' | 'port' | 'agentHost' | 'agentPort' | 'agentUrl' | 'dockerHost' | 'webhookAllowPrivate'
>

/** Builds the policy from the configuration; `localAddresses` only where they can be read (Node). */
export function webhookPolicyFromConfig(config: ListenerConfig, localAddresses: string[] = []): WebhookPolicy {
  const listeners: Listener[] = [
    { host: config.host, port: config.port },
    { host: config.agentHost, port: config.agentPort },
  ]
  for (const [url, defaultPort] of [
    [config.agentUrl, undefined],
    // tcp:// is what Docker calls plain HTTP; 2375 and 2376 are its conventional ports.
    [config.dockerHost?.replace(/^tcp:/, 'http:'), config.dockerHost?.startsWith('https:') ? 2376 : 2375],
  ] as const) {
    if (!url || !/^https?:/.test(url)) continue
    try {
      const u = new URL(url)
      listeners.push({ host: u.hostname, port: Number(u.port) || defaultPort || (u.protocol === 'https:' ? 443 : 80) })
    } catch {
      // not a URL we could send to either
    }
  }
  const allow = config.webhookAllowPrivate
  return {
    allowPrivate: typeof allow === 'boolean' ? allow : allow.map((c) => parseCidr(c)!).filter(Boolean),
    listeners,
    localAddresses: localAddresses.map((a) => parseIp(a)).filter((a): a is IpAddress => a !== null),
  }
}

const unwrap = (ip: IpAddress) => embeddedIpv4(ip) ?? ip
const sameIp = (a: IpAddress, b: IpAddress) => {
  const x = unwrap(a)
  const y = unwrap(b)
  return x.version === y.version && x.bytes.every((v, i) => v === y.bytes[i])
}
const isThisHost = (ip: IpAddress) => ['loopback', 'unspecified'].includes(classifyIp(ip))

function isOwnListener(policy: WebhookPolicy, ip: IpAddress, port: number): boolean {
  return policy.listeners.some((l) => {
    if (l.port !== port) return false
    const host = l.host.replace(/^\[|\]$/g, '').toLowerCase()
    const bound = parseIp(host)
    if (!bound) return host === 'localhost' && isThisHost(ip)
    // Bound to every interface: reachable on loopback and on each address of the host.
    if (classifyIp(bound) === 'unspecified') return isThisHost(ip) || policy.localAddresses.some((a) => sameIp(a, ip))
    // Any loopback address reaches a loopback listener on Linux' 127/8.
    if (isThisHost(bound)) return isThisHost(ip)
    return sameIp(bound, ip)
  })
}

function refusal(rule: WebhookRule, address: string, via?: string): Refusal {
  const subject = via ? `${via} resolves to ${address}, which is` : `${address} is`
  const hint = ALWAYS_REFUSED.has(rule)
    ? ''
    : ' (set ZAPIE_WEBHOOK_ALLOW_PRIVATE to allow destinations on your own network)'
  return { rule, address, message: `Alert webhook destination refused: ${subject} ${DESCRIPTION[rule]}${hint}` }
}

/** Judges one address a webhook would connect to; null when it may. */
export function checkAddress(policy: WebhookPolicy, ip: IpAddress, port: number, via?: string): Refusal | null {
  const text = formatIp(ip)
  if (isOwnListener(policy, ip, port))
    return refusal('own_listener', `${ip.version === 6 ? `[${text}]` : text}:${port}`, via)
  const cls = classifyIp(ip)
  if (cls === 'public') return null
  if (ALWAYS_REFUSED.has(cls)) return refusal(cls, text, via)
  const allow = policy.allowPrivate
  if (allow === true) return null
  if (allow !== false && allow.some((cidr) => cidrContains(cidr, ip) || cidrContains(cidr, unwrap(ip)))) return null
  return refusal(cls, text, via)
}

/** The host and port a URL connects to; the host without brackets or a trailing dot. */
export function urlTarget(url: URL): { host: string; port: number } {
  return {
    host: url.hostname
      .replace(/^\[|\]$/g, '')
      .replace(/\.$/, '')
      .toLowerCase(),
    port: Number(url.port) || (url.protocol === 'https:' ? 443 : 80),
  }
}

/**
 * What can be judged of a URL without a resolver (and so in handlers on Workers): an address
 * literal in any spelling, the `localhost` names (RFC 6761: always loopback), and a host name
 * that is one of our listeners. A host name otherwise passes here and is judged after DNS.
 */
export function checkWebhookUrl(policy: WebhookPolicy, url: string): Refusal | null {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return null // the schema reports malformed URLs
  }
  const { host, port } = urlTarget(parsed)
  const literal = parseIp(host)
  if (literal) return checkAddress(policy, literal, port)
  if (host === 'localhost' || host.endsWith('.localhost')) {
    for (const loopback of ['127.0.0.1', '::1']) {
      const found = checkAddress(policy, parseIp(loopback)!, port, host)
      if (found) return found
    }
    return null
  }
  if (policy.listeners.some((l) => l.port === port && l.host.toLowerCase() === host))
    return refusal('own_listener', `${host}:${port}`)
  return null
}

/** The 422 a refused destination answers, naming the rule in the details. */
export function webhookRefusedError(r: Refusal): AppError {
  return new AppError(422, 'webhook_destination_refused', r.message, [
    { path: 'url', code: r.rule, message: r.message },
  ])
}
