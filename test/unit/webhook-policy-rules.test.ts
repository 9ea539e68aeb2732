import { describe, expect, it } from 'vitest'
import { parseCidr, parseIp } from '../../src/net/ip'
import { classifyIp, embeddedIpv4 } from '../../src/net/ip-class'
import {
  checkAddress,
  checkWebhookUrl,
  urlTarget,
  webhookPolicyFromConfig,
  webhookRefusedError,
  type WebhookPolicy,
} from '../../src/net/webhook-policy'

/** Every row of the address tables, at its edges, and what the policy says about each destination. */
const classOf = (text: string) => classifyIp(parseIp(text)!)
const ip = (text: string) => parseIp(text)!

describe('address classes at the edges of every range', () => {
  it.each([
    ['169.254.170.2', 'cloud_metadata'], // AWS ECS task metadata
    ['169.254.170.3', 'link_local'],
    ['100.100.100.201', 'cgnat'],
    ['0.255.255.255', 'unspecified'],
    ['1.0.0.0', 'public'],
    ['9.255.255.255', 'public'],
    ['10.0.0.0', 'private'],
    ['10.255.255.255', 'private'],
    ['100.63.255.255', 'public'],
    ['126.255.255.255', 'public'],
    ['127.0.0.0', 'loopback'],
    ['128.0.0.1', 'public'],
    ['169.253.255.255', 'public'],
    ['169.254.0.0', 'link_local'],
    ['172.15.255.255', 'public'],
    ['192.0.0.8', 'reserved'],
    ['192.0.1.1', 'public'],
    ['192.0.2.255', 'reserved'],
    ['192.0.3.1', 'public'],
    ['192.167.255.255', 'public'],
    ['192.168.255.255', 'private'],
    ['192.169.0.1', 'public'],
    ['198.17.255.255', 'public'],
    ['198.19.255.255', 'reserved'],
    ['198.20.0.1', 'public'],
    ['198.51.100.7', 'reserved'],
    ['198.51.101.1', 'public'],
    ['203.0.113.9', 'reserved'],
    ['203.0.114.1', 'public'],
    ['223.255.255.255', 'public'],
    ['224.0.0.0', 'multicast'],
    ['239.255.255.255', 'multicast'],
    ['240.0.0.0', 'reserved'],
    // IPv6
    ['100::1', 'reserved'],
    ['100:0:0:1::1', 'reserved'], // outside 2000::/3 and any table row
    ['2001:0:ffff::1', 'reserved'],
    ['2001:1::1', 'public'],
    ['2001:db8:ffff::1', 'reserved'],
    ['2001:db9::1', 'public'],
    ['fec0::1', 'private'],
    ['feff::1', 'private'],
    ['fe80::abcd', 'link_local'],
    ['febf::1', 'link_local'],
    ['fbff::1', 'reserved'],
    ['4000::1', 'reserved'],
    ['3fff:ffff::1', 'public'],
    ['ff0e::1', 'multicast'],
    ['fd00:ec2::253', 'private'],
    ['64:ff9b:1:ffff::1', 'private'],
    ['64:ff9b:2::1', 'reserved'],
    ['::2', 'unspecified'], // IPv4-compatible 0.0.0.2
  ])('%s is %s', (text, expected) => {
    expect(classOf(text)).toBe(expected)
  })

  it('judges an IPv6 address that carries IPv4 by the IPv4 inside, in each embedding form', () => {
    const cases: [string, string, string][] = [
      ['::ffff:10.1.2.3', '10.1.2.3', 'private'],
      ['::ffff:0:192.168.0.1', '192.168.0.1', 'private'],
      ['::100.64.0.1', '100.64.0.1', 'cgnat'],
      ['64:ff9b::169.254.169.254', '169.254.169.254', 'cloud_metadata'],
      ['2002:a9fe:a9fe::1', '169.254.169.254', 'cloud_metadata'],
      ['2002:e000:0001::', '224.0.0.1', 'multicast'],
      ['2002:0808:0808:ffff::1', '8.8.8.8', 'public'],
    ]
    for (const [v6, v4, cls] of cases) {
      expect(embeddedIpv4(ip(v6)), v6).toEqual(ip(v4))
      expect(classOf(v6), v6).toBe(cls)
    }
    expect(embeddedIpv4(ip('2606:4700::1111'))).toBeNull()
    expect(embeddedIpv4(ip('10.0.0.1'))).toBeNull()
  })
})

describe('the webhook policy from the configuration', () => {
  const base = {
    host: '127.0.0.1',
    port: 5000,
    agentHost: '127.0.0.1',
    agentPort: 5001,
    webhookAllowPrivate: true as boolean | string[],
  }

  it('adds the agent URL and a Docker endpoint with their default ports, and skips what it cannot reach', () => {
    const ports = (extra: Record<string, unknown>) => webhookPolicyFromConfig({ ...base, ...extra }).listeners.slice(2)
    expect(ports({ agentUrl: 'https://agent.lan', dockerHost: 'tcp://docker.lan' })).toEqual([
      { host: 'agent.lan', port: 443 },
      { host: 'docker.lan', port: 2375 },
    ])
    expect(ports({ agentUrl: 'http://agent.lan', dockerHost: 'https://docker.lan' })).toEqual([
      { host: 'agent.lan', port: 80 },
      { host: 'docker.lan', port: 2376 },
    ])
    expect(ports({ agentUrl: 'http://agent.lan:7000', dockerHost: 'tcp://10.0.0.2:2000' })).toEqual([
      { host: 'agent.lan', port: 7000 },
      { host: '10.0.0.2', port: 2000 },
    ])
    expect(ports({ dockerHost: 'unix:///var/run/docker.sock' })).toEqual([])
    expect(ports({ agentUrl: 'http://[bad', dockerHost: 'ssh://docker.lan' })).toEqual([])
  })

  it('reads the allow-list CIDRs and the local addresses, dropping what does not parse', () => {
    const p = webhookPolicyFromConfig({ ...base, webhookAllowPrivate: ['10.0.0.0/8', 'fd00::/8'] }, [
      '192.168.1.9',
      'fe80::1',
      'not-an-ip',
    ])
    expect(p.allowPrivate).toEqual([parseCidr('10.0.0.0/8'), parseCidr('fd00::/8')])
    expect(p.localAddresses).toEqual([ip('192.168.1.9'), ip('fe80::1')])
    expect(webhookPolicyFromConfig({ ...base, webhookAllowPrivate: false }).allowPrivate).toBe(false)
  })
})

describe('checking one address', () => {
  const policy = (over: Partial<WebhookPolicy> = {}): WebhookPolicy => ({
    allowPrivate: false,
    listeners: [{ host: '127.0.0.1', port: 5000 }],
    localAddresses: [],
    ...over,
  })

  it('lets a public address through on any port, even one our listener uses', () => {
    expect(checkAddress(policy(), ip('1.1.1.1'), 5000)).toBeNull()
    expect(checkAddress(policy(), ip('2606:4700::1111'), 443)).toBeNull()
  })

  it('refuses our own listener on its port only, and names address and port', () => {
    expect(checkAddress(policy({ allowPrivate: true }), ip('127.0.0.1'), 5000)).toMatchObject({
      rule: 'own_listener',
      address: '127.0.0.1:5000',
    })
    expect(checkAddress(policy({ allowPrivate: true }), ip('127.0.0.1'), 5002)).toBeNull()
    expect(checkAddress(policy({ allowPrivate: true }), ip('::1'), 5000)).toMatchObject({
      rule: 'own_listener',
      address: '[::1]:5000',
    })
  })

  it('knows a listener bound to one LAN address from one bound to every interface', () => {
    const lan = policy({
      allowPrivate: true,
      listeners: [{ host: '192.168.1.9', port: 5000 }],
      localAddresses: [ip('192.168.1.10')],
    })
    expect(checkAddress(lan, ip('192.168.1.9'), 5000)?.rule).toBe('own_listener')
    expect(checkAddress(lan, ip('::ffff:192.168.1.9'), 5000)?.rule).toBe('own_listener')
    expect(checkAddress(lan, ip('192.168.1.10'), 5000)).toBeNull()
    expect(checkAddress(lan, ip('127.0.0.1'), 5000)).toBeNull()
    const any = policy({
      allowPrivate: true,
      listeners: [{ host: '[::]', port: 5000 }],
      localAddresses: [ip('192.168.1.10')],
    })
    expect(checkAddress(any, ip('192.168.1.10'), 5000)?.rule).toBe('own_listener')
    expect(checkAddress(any, ip('127.3.4.5'), 5000)?.rule).toBe('own_listener')
    expect(checkAddress(any, ip('0.0.0.0'), 5000)?.rule).toBe('own_listener')
    expect(checkAddress(any, ip('192.168.1.11'), 5000)).toBeNull()
    const multi = policy({
      allowPrivate: true,
      listeners: [{ host: '0.0.0.0', port: 5000 }],
      localAddresses: [ip('10.0.0.4'), ip('192.168.1.10')],
    })
    expect(checkAddress(multi, ip('192.168.1.10'), 5000)?.rule).toBe('own_listener')
    expect(checkAddress(multi, ip('10.0.0.4'), 5000)?.rule).toBe('own_listener')
    // A listener known by name only is judged by name; a loopback address on its port is not it.
    const named = policy({ allowPrivate: true, listeners: [{ host: 'agent.lan', port: 7000 }] })
    expect(checkAddress(named, ip('127.0.0.1'), 7000)).toBeNull()
    const v6 = policy({
      allowPrivate: true,
      listeners: [
        { host: '[::1]', port: 5000 },
        { host: 'LocalHost', port: 6000 },
        { host: 'agent.lan', port: 7000 },
      ],
    })
    expect(checkAddress(v6, ip('127.0.0.1'), 5000)?.rule).toBe('own_listener')
    expect(checkAddress(v6, ip('::1'), 6000)?.rule).toBe('own_listener')
    expect(checkAddress(v6, ip('10.0.0.1'), 6000)).toBeNull()
    // A listener given by name is judged by name (checkWebhookUrl), not against every address.
    expect(checkAddress(v6, ip('10.0.0.1'), 7000)).toBeNull()
  })

  it('says which host name resolved to the refused address', () => {
    expect(checkAddress(policy(), ip('10.0.0.7'), 443, 'hooks.lan')).toEqual({
      rule: 'private',
      address: '10.0.0.7',
      message:
        'Alert webhook destination refused: hooks.lan resolves to 10.0.0.7, which is a private network address (set ZAPIE_WEBHOOK_ALLOW_PRIVATE to allow destinations on your own network)',
    })
    expect(checkAddress(policy(), ip('224.0.0.1'), 443)?.message).toBe(
      'Alert webhook destination refused: 224.0.0.1 is a multicast address',
    )
  })

  it('never lets the unspecified, multicast or metadata addresses through, whatever the opt-in', () => {
    const open = policy({ allowPrivate: true })
    const listed = policy({ allowPrivate: [parseCidr('0.0.0.0/0')!, parseCidr('::/0')!] })
    for (const p of [open, listed]) {
      for (const [addr, rule] of [
        ['0.0.0.0', 'unspecified'],
        ['ff02::1', 'multicast'],
        ['169.254.169.254', 'cloud_metadata'],
        ['::ffff:169.254.170.2', 'cloud_metadata'],
      ]) {
        expect(checkAddress(p, ip(addr!), 80)?.rule, addr).toBe(rule)
      }
    }
    expect(checkAddress(listed, ip('10.0.0.1'), 80)).toBeNull()
    expect(checkAddress(listed, ip('fe80::1'), 80)).toBeNull()
  })

  it('with a CIDR list, lets through only addresses inside one, IPv4 inside IPv6 included', () => {
    const p = policy({ allowPrivate: [parseCidr('10.1.0.0/16')!] })
    expect(checkAddress(p, ip('10.1.2.3'), 80)).toBeNull()
    expect(checkAddress(p, ip('::ffff:10.1.2.3'), 80)).toBeNull()
    expect(checkAddress(p, ip('10.2.0.1'), 80)?.rule).toBe('private')
    expect(checkAddress(policy({ allowPrivate: [] }), ip('10.1.2.3'), 80)?.rule).toBe('private')
  })
})

describe('checking a URL', () => {
  const policy: WebhookPolicy = {
    allowPrivate: false,
    listeners: [{ host: 'Hooks.Internal', port: 8443 }],
    localAddresses: [],
  }

  it('reads the host and port a URL connects to', () => {
    expect(urlTarget(new URL('https://Example.COM./x'))).toEqual({ host: 'example.com', port: 443 })
    expect(urlTarget(new URL('http://[::1]:8080/'))).toEqual({ host: '::1', port: 8080 })
    expect(urlTarget(new URL('http://h/'))).toEqual({ host: 'h', port: 80 })
  })

  it('leaves a malformed URL to the schema, and a plain host name to the DNS check', () => {
    expect(checkWebhookUrl(policy, 'not a url')).toBeNull()
    expect(checkWebhookUrl(policy, 'https://hooks.example.com/')).toBeNull()
    expect(checkWebhookUrl(policy, 'https://hooks.internal:443/')).toBeNull()
  })

  it('refuses a listener named in the configuration by its name, in any case', () => {
    expect(checkWebhookUrl(policy, 'https://HOOKS.internal:8443/x')).toMatchObject({
      rule: 'own_listener',
      address: 'hooks.internal:8443',
    })
  })

  it('refuses localhost names as loopback, naming the name, and lets them through when allowed', () => {
    const r = checkWebhookUrl(policy, 'http://app.localhost:9000/')!
    expect(r).toMatchObject({ rule: 'loopback', address: '127.0.0.1' })
    expect(r.message).toContain('app.localhost resolves to 127.0.0.1')
    expect(checkWebhookUrl({ ...policy, allowPrivate: true }, 'http://localhost:9000/')).toBeNull()
    // A listener on the IPv6 loopback answers on every loopback address: still refused.
    const v6 = { ...policy, allowPrivate: true, listeners: [{ host: '::1', port: 9000 }] }
    expect(checkWebhookUrl(v6, 'http://localhost:9000/')).toMatchObject({
      rule: 'own_listener',
      address: '127.0.0.1:9000',
    })
    expect(checkWebhookUrl(policy, 'http://notlocalhost/')).toBeNull()
  })

  it('answers 422 webhook_destination_refused naming the rule on the url field', () => {
    const err = webhookRefusedError(checkWebhookUrl(policy, 'http://10.0.0.1/')!)
    expect(err).toMatchObject({
      status: 422,
      code: 'webhook_destination_refused',
      details: [{ path: 'url', code: 'private', message: err.message }],
    })
    expect(err.message).toMatch(/^Alert webhook destination refused: 10\.0\.0\.1 is a private network address/)
  })
})
