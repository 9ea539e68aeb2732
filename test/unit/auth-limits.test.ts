import { describe, expect, it } from 'vitest'
import { clientKey } from '../../src/client-key'
import { auth, buildTestApp } from '../helpers/app'

/** An app that tells clients apart by a test header, as Node does by the socket's address. */
async function appWithClients(env: Record<string, string> = {}) {
  let now = Date.parse('2026-12-01T10:00:00Z')
  const built = await buildTestApp({
    env,
    clock: { now: () => now },
    clientAddress: (c) => c.req.header('x-test-client'),
  })
  const from = (client: string, path: string, headers: Record<string, string> = {}) =>
    built.app.request(path, { headers: { 'x-test-client': client, ...headers } })
  return { ...built, from, advance: (ms: number) => (now += ms) }
}

const wrong = { authorization: 'Bearer wrong-token-guess-0000000000' }

describe('failed authentication', () => {
  it('slows a client that keeps guessing tokens down with 429 and Retry-After, for the rest of the window', async () => {
    const { from, advance } = await appWithClients()
    const statuses: number[] = []
    for (let i = 0; i < 12; i++) statuses.push((await from('10.0.0.1', '/api/services', wrong)).status)
    expect(statuses).toEqual([...Array(10).fill(401), 429, 429])
    const refused = await from('10.0.0.1', '/api/services', auth)
    expect(refused.status).toBe(429)
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(await refused.json()).toMatchObject({ success: false, code: 'rate_limited' })
    // Guessing through the public route or with tickets counts too.
    expect((await from('10.0.0.1', '/api/health', wrong)).status).toBe(429)
    expect((await from('10.0.0.1', `/api/events?ticket=${'a'.repeat(43)}`)).status).toBe(429)

    // Another client is not affected, and the guesser may try again once the window is over.
    expect((await from('10.0.0.2', '/api/services', auth)).status).toBe(200)
    advance(61_000)
    expect((await from('10.0.0.1', '/api/services', auth)).status).toBe(200)
  })

  it('counts wrong tickets per client as well', async () => {
    const { from } = await appWithClients()
    const statuses: number[] = []
    for (let i = 0; i < 11; i++)
      statuses.push((await from('10.0.0.3', `/api/events?ticket=${String(i).padStart(43, 'b')}`)).status)
    expect(statuses.at(9)).toBe(401)
    expect(statuses.at(10)).toBe(429)
  })
})

describe('anonymous rate limit', () => {
  it('is per client: one client hammering /api/health does not lock out the others', async () => {
    const { from } = await appWithClients({ ZAPIE_RATE_LIMIT: '5' })
    const statuses: number[] = []
    for (let i = 0; i < 7; i++) statuses.push((await from('10.0.0.9', '/api/health')).status)
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429])
    expect((await from('10.0.0.10', '/api/health')).status).toBe(200)
  })
})

describe('clientKey', () => {
  it('counts an IPv6 host by its /64 and an IPv4-mapped address as IPv4', () => {
    expect(clientKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64')
    expect(clientKey('2001:db8:1:2:bbbb:cccc:dddd:eeee')).toBe('2001:db8:1:2::/64')
    expect(clientKey('::1')).toBe('0:0:0:0::/64')
    expect(clientKey('::ffff:127.0.0.1')).toBe('127.0.0.1')
    expect(clientKey('10.0.0.1')).toBe('10.0.0.1')
    expect(clientKey(undefined)).toBeUndefined()
  })
})
