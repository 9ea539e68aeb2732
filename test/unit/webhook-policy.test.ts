import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config'
import { cidrContains, formatIp, parseCidr, parseIp } from '../../src/net/ip'
import { classifyIp } from '../../src/net/ip-class'
import { checkWebhookUrl, webhookPolicyFromConfig } from '../../src/net/webhook-policy'

const classOf = (text: string) => {
  const ip = parseIp(text)
  return ip ? classifyIp(ip) : 'not an address'
}

describe('address literals in every spelling', () => {
  it.each([
    // inet_aton spellings of 127.0.0.1
    ['127.0.0.1', '127.0.0.1'],
    ['127.1', '127.0.0.1'],
    ['127.0.1', '127.0.0.1'],
    ['2130706433', '127.0.0.1'],
    ['0x7f000001', '127.0.0.1'],
    ['0X7F.1', '127.0.0.1'],
    ['0177.0.0.1', '127.0.0.1'],
    ['017700000001', '127.0.0.1'],
    ['0x7f.0.0.0x1', '127.0.0.1'],
    ['127.0.0.1.', '127.0.0.1'],
    ['0', '0.0.0.0'],
    ['0x0', '0.0.0.0'],
    ['0x', '0.0.0.0'], // inet_aton and the URL parser read a bare 0x as zero
    ['169.254.43518', '169.254.169.254'],
    ['0xa9fea9fe', '169.254.169.254'],
    ['3232235777', '192.168.1.1'],
    // IPv6, bracketed or not, with embedded IPv4 and zones
    ['::1', '::1'],
    ['[::1]', '::1'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['[::ffff:127.0.0.1]', '::ffff:7f00:1'],
    ['::ffff:7f00:1', '::ffff:7f00:1'],
    ['fe80::1%eth0', 'fe80::1'],
    ['2001:DB8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
  ])('%s is %s', (text, canonical) => {
    const ip = parseIp(text)
    expect(ip).not.toBeNull()
    expect(formatIp(ip!)).toBe(canonical)
  })

  it.each([
    '256.0.0.1',
    '1.2.3.4.5',
    '4294967296',
    '08.0.0.1',
    '1..2',
    '',
    'example.com',
    '127.0.0.1.nip.io',
    '::1::',
    '1:2:3:4:5:6:7:8:9',
    '12345::',
    '::ffff:0x7f.1',
    '[::1',
    'fe80::1%',
  ])('%s is not an address', (text) => expect(parseIp(text)).toBeNull())
})

describe('classifying destinations', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['2130706433', 'loopback'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:0:127.0.0.1', 'loopback'],
    ['::127.0.0.1', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['::', 'unspecified'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.10', 'private'],
    ['fd12:3456::1', 'private'],
    ['fc00::1', 'private'],
    ['::ffff:10.0.0.1', 'private'],
    ['64:ff9b::10.0.0.1', 'private'], // NAT64 to a private address
    ['64:ff9b::127.0.0.1', 'loopback'],
    ['64:ff9b:1::1', 'private'],
    ['2002:c0a8:0101::1', 'private'], // 6to4 of 192.168.1.1
    ['169.254.1.1', 'link_local'],
    ['fe80::1', 'link_local'],
    ['169.254.169.254', 'cloud_metadata'],
    ['::ffff:169.254.169.254', 'cloud_metadata'],
    ['fd00:ec2::254', 'cloud_metadata'],
    ['100.100.100.200', 'cloud_metadata'],
    ['100.64.0.1', 'cgnat'],
    ['100.127.255.255', 'cgnat'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['240.0.0.1', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['192.0.2.1', 'reserved'],
    ['2001:db8::1', 'reserved'],
    ['2001:0:4136:e378::1', 'reserved'], // Teredo
    // Must stay allowed: real public destinations
    ['1.1.1.1', 'public'],
    ['8.8.8.8', 'public'],
    ['93.184.216.34', 'public'],
    ['172.32.0.1', 'public'],
    ['100.128.0.1', 'public'],
    ['169.255.0.1', 'public'],
    ['11.0.0.1', 'public'],
    ['2606:4700:4700::1111', 'public'],
    ['::ffff:1.1.1.1', 'public'],
    ['64:ff9b::1.1.1.1', 'public'],
    ['2002:0101:0101::1', 'public'],
  ])('%s is %s', (text, expected) => {
    expect(classOf(text)).toBe(expected)
  })

  it('matches CIDRs bit by bit', () => {
    const lan = parseCidr('192.168.1.0/25')!
    expect(cidrContains(lan, parseIp('192.168.1.127')!)).toBe(true)
    expect(cidrContains(lan, parseIp('192.168.1.128')!)).toBe(false)
    expect(cidrContains(parseCidr('0.0.0.0/0')!, parseIp('::1')!)).toBe(false)
    expect(parseCidr('10.0.0.0/33')).toBeNull()
    expect(parseCidr('10.1/8')).toBeNull()
  })
})

describe('checking a webhook URL before it is saved (no DNS)', () => {
  const strict = webhookPolicyFromConfig(loadConfig({}))
  const ruleOf = (url: string, policy = strict) => checkWebhookUrl(policy, url)?.rule ?? 'allowed'

  it.each([
    ['http://127.0.0.1:2375/containers/x/kill', 'loopback'],
    ['http://127.1:2375/', 'loopback'],
    ['http://2130706433:2375/', 'loopback'],
    ['http://0x7f000001/', 'loopback'],
    ['http://0177.0.0.1/', 'loopback'],
    ['http://%31%32%37.0.0.1/', 'loopback'],
    ['http://0.0.0.0:2375/', 'unspecified'],
    ['http://0/', 'unspecified'],
    ['http://[::1]:2375/', 'loopback'],
    ['http://[::ffff:127.0.0.1]/', 'loopback'],
    ['http://[::]/', 'unspecified'],
    ['http://localhost:9000/', 'loopback'],
    ['http://LOCALHOST./', 'loopback'],
    ['http://api.localhost/', 'loopback'],
    ['http://10.0.0.5/hook', 'private'],
    ['http://192.168.1.20:8080/hook', 'private'],
    ['http://169.254.169.254/latest/meta-data/', 'cloud_metadata'],
    ['http://[fe80::1]/', 'link_local'],
    ['http://100.64.1.1/', 'cgnat'],
    ['http://224.0.0.1/', 'multicast'],
    ['http://127.0.0.1:5000/api/services', 'own_listener'],
    ['http://127.0.0.1:5001/rpc/remove', 'own_listener'],
    ['https://hooks.example.com/services/T0/B0/x', 'allowed'],
    ['https://1.1.1.1/hook', 'allowed'],
    ['https://[2606:4700:4700::1111]/hook', 'allowed'],
    ['https://hooks.example.com:5000/', 'allowed'],
  ])('%s: %s', (url, rule) => {
    expect(ruleOf(url)).toBe(rule)
  })

  it('lets the local network through with ZAPIE_WEBHOOK_ALLOW_PRIVATE=true, never our own listeners', () => {
    const open = webhookPolicyFromConfig(
      loadConfig({ ZAPIE_WEBHOOK_ALLOW_PRIVATE: 'true', DOCKER_HOST: 'tcp://192.168.1.5:2375' }),
    )
    expect(ruleOf('http://192.168.1.20:8080/hook', open)).toBe('allowed')
    expect(ruleOf('http://127.0.0.1:9000/hook', open)).toBe('allowed')
    expect(ruleOf('http://localhost:9000/hook', open)).toBe('allowed')
    expect(ruleOf('http://127.0.0.1:5000/', open)).toBe('own_listener')
    expect(ruleOf('http://127.7.7.7:5000/', open)).toBe('own_listener')
    expect(ruleOf('http://localhost:5001/', open)).toBe('own_listener')
    expect(ruleOf('http://[::ffff:127.0.0.1]:5001/', open)).toBe('own_listener')
    expect(ruleOf('http://192.168.1.5:2375/containers/x/kill', open)).toBe('own_listener')
    expect(ruleOf('http://169.254.169.254/', open)).toBe('cloud_metadata')
    expect(ruleOf('http://0.0.0.0:9000/', open)).toBe('unspecified')
  })

  it('lets only the listed CIDRs through when ZAPIE_WEBHOOK_ALLOW_PRIVATE is a list', () => {
    const lan = webhookPolicyFromConfig(loadConfig({ ZAPIE_WEBHOOK_ALLOW_PRIVATE: '192.168.1.0/24, fd00::/8' }))
    expect(ruleOf('http://192.168.1.20/', lan)).toBe('allowed')
    expect(ruleOf('http://[::ffff:192.168.1.20]/', lan)).toBe('allowed')
    expect(ruleOf('http://[fd00::5]/', lan)).toBe('allowed')
    expect(ruleOf('http://192.168.2.20/', lan)).toBe('private')
    expect(ruleOf('http://127.0.0.1:9000/', lan)).toBe('loopback')
  })

  it('refuses an agent URL and a TCP Docker endpoint by name too, and listeners bound to every interface', () => {
    const split = webhookPolicyFromConfig(
      loadConfig({
        ZAPIE_WEBHOOK_ALLOW_PRIVATE: 'true',
        ZAPIE_AGENT_URL: 'http://agent.lan:7000',
        ZAPIE_AGENT_TOKEN: 'x'.repeat(16),
        DOCKER_HOST: 'tcp://docker.lan',
        HOST: '0.0.0.0',
      }),
      ['192.168.1.9'],
    )
    expect(ruleOf('http://agent.lan:7000/rpc/remove', split)).toBe('own_listener')
    expect(ruleOf('http://DOCKER.lan:2375/', split)).toBe('own_listener')
    expect(ruleOf('http://192.168.1.9:5000/', split)).toBe('own_listener')
    expect(ruleOf('http://192.168.1.10:5000/', split)).toBe('allowed')
  })

  it('names the rule and the opt-in in its message', () => {
    const refusal = checkWebhookUrl(strict, 'http://127.1:2375/containers/x/kill')!
    expect(refusal).toMatchObject({ rule: 'loopback', address: '127.0.0.1' })
    expect(refusal.message).toMatch(/loopback/)
    expect(refusal.message).toMatch(/ZAPIE_WEBHOOK_ALLOW_PRIVATE/)
    expect(checkWebhookUrl(strict, 'http://169.254.169.254/')!.message).not.toMatch(/ALLOW_PRIVATE/)
  })
})

describe('ZAPIE_WEBHOOK_ALLOW_PRIVATE', () => {
  it('is false by default, true, false or a list of CIDRs, and names itself when wrong', () => {
    expect(loadConfig({}).webhookAllowPrivate).toBe(false)
    expect(loadConfig({ ZAPIE_WEBHOOK_ALLOW_PRIVATE: 'TRUE' }).webhookAllowPrivate).toBe(true)
    expect(loadConfig({ ZAPIE_WEBHOOK_ALLOW_PRIVATE: 'false' }).webhookAllowPrivate).toBe(false)
    expect(loadConfig({ ZAPIE_WEBHOOK_ALLOW_PRIVATE: '10.0.0.0/8,192.168.1.5' }).webhookAllowPrivate).toEqual([
      '10.0.0.0/8',
      '192.168.1.5',
    ])
    for (const bad of ['yes', '10.0.0.0/40', '192.168.1.0/24,lan'])
      expect(() => loadConfig({ ZAPIE_WEBHOOK_ALLOW_PRIVATE: bad }), bad).toThrow(/ZAPIE_WEBHOOK_ALLOW_PRIVATE/)
  })
})
