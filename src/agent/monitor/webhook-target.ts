import dns from 'node:dns/promises'
import os from 'node:os'
import { parseIp } from '../../net/ip'
import { checkAddress, checkWebhookUrl, urlTarget, type Refusal, type WebhookPolicy } from '../../net/webhook-policy'

/** Every address a name resolves to, as dns.lookup answers with `all: true`. */
export type Lookup = (hostname: string) => Promise<{ address: string; family: number }[]>

export const systemLookup: Lookup = (hostname) => dns.lookup(hostname, { all: true, verbatim: true })

/** This host's interface addresses: a listener bound to 0.0.0.0 is reachable on each. */
export function interfaceAddresses(): string[] {
  return Object.values(os.networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address))
}

export type Target = { ok: true; address: string; family: 4 | 6 } | { ok: false; refusal: Refusal }

/**
 * Resolves a webhook URL's host and judges every address it resolves to: one disallowed
 * address refuses the URL, since a resolver may hand out any of them. The caller connects to
 * the returned address, never resolving the name again (DNS rebinding cannot switch it).
 */
export async function resolveWebhookTarget(url: URL, policy: WebhookPolicy, lookup: Lookup): Promise<Target> {
  const early = checkWebhookUrl(policy, url.href)
  if (early) return { ok: false, refusal: early }
  const { host, port } = urlTarget(url)
  const literal = parseIp(host)
  const answers = literal ? [{ address: host, family: literal.version }] : await lookup(host)
  if (answers.length === 0) throw new Error(`${host} has no address`)
  for (const answer of answers) {
    const ip = parseIp(answer.address)
    if (!ip) throw new Error(`${host} resolved to something that is not an address`)
    const refusal = checkAddress(policy, ip, port, literal ? undefined : host)
    if (refusal) return { ok: false, refusal }
  }
  const first = answers[0]!
  return { ok: true, address: first.address, family: first.family === 6 ? 6 : 4 }
}
