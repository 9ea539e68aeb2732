import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createWebhookSender, redactUrl } from '../../src/agent/monitor/webhook'
import type { Lookup } from '../../src/agent/monitor/webhook-target'
import { loadConfig } from '../../src/config'
import type { Logger } from '../../src/logger'
import { webhookPolicyFromConfig } from '../../src/net/webhook-policy'
import { type ReceivedHook, startWebhookReceiver } from '../helpers/webhook-receiver'

/** A receiver on 127.0.0.1 that answers each request as the test scripts it. */
let hook: Awaited<ReturnType<typeof startWebhookReceiver>>
let base: string
let received: ReceivedHook[]

beforeAll(async () => {
  hook = await startWebhookReceiver()
  received = hook.got
  base = `http://127.0.0.1:${hook.port}`
})
afterAll(() => hook.close())
beforeEach(() => {
  hook.got.length = 0
  hook.state.script = []
})

function capturingLogger() {
  const lines: string[] = []
  const log = (f: Record<string, unknown>) => lines.push(JSON.stringify(f))
  const logger: Logger = { debug: log, info: log, warn: log, error: log, request: log }
  return { logger, lines }
}

/** The receivers listen on 127.0.0.1, which only the opt-in lets alerts reach. */
const strict = webhookPolicyFromConfig(loadConfig({}))
const policy = webhookPolicyFromConfig(loadConfig({ ZAPIE_WEBHOOK_ALLOW_PRIVATE: '127.0.0.1/32' }))

const SECRET_PATH = '/hooks/T000/B000/s3cr3t-token?key=also-secret'

describe('alert webhook delivery', () => {
  it('POSTs the alert as JSON', async () => {
    const { logger } = capturingLogger()
    const sender = createWebhookSender({ url: () => `${base}${SECRET_PATH}`, logger, policy })
    sender.send({ event: 'health-alert', alert: { rule: 'cpu_warning', state: 'firing' } })
    await sender.idle()
    expect(received).toEqual([
      {
        path: SECRET_PATH,
        type: 'application/json',
        host: new URL(base).host,
        body: { event: 'health-alert', alert: { rule: 'cpu_warning', state: 'firing' } },
      },
    ])
    expect(sender.stats()).toMatchObject({ delivered: 1, failed: 0 })
  })

  it('retries a 5xx answer with backoff until it is accepted, keeping order', async () => {
    const { logger } = capturingLogger()
    hook.state.script = [(r) => r.writeHead(503).end(), (r) => r.writeHead(500).end(), (r) => r.writeHead(200).end()]
    const sender = createWebhookSender({ url: () => `${base}/hook`, logger, policy, backoffMs: 20 })
    sender.send({ n: 1 })
    sender.send({ n: 2 })
    await sender.idle()
    expect(received.map((r) => (r.body as { n: number }).n)).toEqual([1, 1, 1, 2])
    expect(sender.stats()).toMatchObject({ delivered: 2, failed: 0 })
  })

  it('gives up after its retries when the receiver hangs, and logs without the secret parts of the URL', async () => {
    const { logger, lines } = capturingLogger()
    const hang = () => {}
    hook.state.script = [hang, hang, hang]
    const sender = createWebhookSender({
      url: () => `http://user:pw@127.0.0.1:${new URL(base).port}${SECRET_PATH}`,
      logger,
      policy,
      timeoutMs: 100,
      retries: 2,
      backoffMs: 10,
    })
    sender.send({ n: 1 })
    await sender.idle()
    expect(received).toHaveLength(3)
    expect(received[0]!.auth).toBe(`Basic ${btoa('user:pw')}`)
    expect(sender.stats()).toMatchObject({ delivered: 0, failed: 1 })
    expect(lines).toHaveLength(1)
    expect(lines[0]).toContain('no answer within 100 ms')
    expect(lines[0]).toContain(`http://127.0.0.1:${new URL(base).port}/…`)
    expect(lines[0]).not.toMatch(/s3cr3t|also-secret|user|pw@/)
  })

  it('does not retry a refusal (4xx other than 429)', async () => {
    const { logger } = capturingLogger()
    hook.state.script = [(r) => r.writeHead(400).end()]
    const sender = createWebhookSender({ url: () => `${base}/hook`, logger, policy, backoffMs: 10 })
    sender.send({ n: 1 })
    await sender.idle()
    expect(received).toHaveLength(1)
    expect(sender.stats().failed).toBe(1)
  })

  it('sends nothing while no URL is set', async () => {
    const { logger } = capturingLogger()
    const sender = createWebhookSender({ url: () => null, logger, policy })
    sender.send({ n: 1 })
    await sender.idle()
    expect(received).toHaveLength(0)
  })

  it('shows only scheme and host of a URL', () => {
    expect(redactUrl('https://hooks.slack.com/services/T0/B0/XYZ')).toBe('https://hooks.slack.com/…')
    expect(redactUrl('https://user:pass@example.com:8443/?token=1')).toBe('https://example.com:8443/…')
    expect(redactUrl('https://example.com/')).toBe('https://example.com')
  })
})

/** A name only the injected resolver knows: the system resolver answers NXDOMAIN (RFC 6761). */
const NAME = 'alerts.hooks.invalid'
function fakeLookup(...answers: string[]) {
  const calls: string[] = []
  const lookup: Lookup = async (hostname) => {
    calls.push(hostname)
    if (hostname !== NAME) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' })
    return answers.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }))
  }
  return { lookup, calls }
}

describe('alert webhook destinations', () => {
  const port = () => new URL(base).port

  it('refuses a name that resolves to loopback and does not connect', async () => {
    const { logger, lines } = capturingLogger()
    const { lookup } = fakeLookup('127.0.0.1')
    const sender = createWebhookSender({
      url: () => `http://${NAME}:${port()}/hook`,
      logger,
      policy: strict,
      lookup,
      backoffMs: 10,
    })
    sender.send({ n: 1 })
    await sender.idle()
    expect(received).toHaveLength(0)
    expect(sender.stats()).toMatchObject({ delivered: 0, failed: 1 })
    expect(lines).toHaveLength(1)
    expect(JSON.parse(lines[0]!)).toMatchObject({ msg: 'alert webhook destination refused', rule: 'loopback' })
    expect(lines[0]).toContain(`${NAME} resolves to 127.0.0.1`)
  })

  it('refuses localhost through the system resolver, and every spelling of 127.0.0.1', async () => {
    const { logger } = capturingLogger()
    for (const host of ['localhost', '127.1', '2130706433', '0x7f000001', '[::ffff:127.0.0.1]', '0.0.0.0']) {
      const sender = createWebhookSender({
        url: () => `http://${host}:${port()}/hook`,
        logger,
        policy: strict,
        backoffMs: 10,
      })
      sender.send({ n: 1 })
      await sender.idle()
      expect(sender.stats(), host).toMatchObject({ delivered: 0, failed: 1 })
    }
    expect(received).toHaveLength(0)
  })

  it('refuses a name when any one of its addresses is not allowed', async () => {
    const { logger } = capturingLogger()
    const { lookup } = fakeLookup('127.0.0.1', '10.0.0.7')
    const sender = createWebhookSender({ url: () => `http://${NAME}:${port()}/hook`, logger, policy, lookup })
    sender.send({ n: 1 })
    await sender.idle()
    expect(received).toHaveLength(0)
    expect(sender.stats().failed).toBe(1)
  })

  it('with the opt-in delivers to the address it checked, keeping the name as Host, with one lookup', async () => {
    const { logger } = capturingLogger()
    const { lookup, calls } = fakeLookup('127.0.0.1')
    const sender = createWebhookSender({ url: () => `http://${NAME}:${port()}/hook`, logger, policy, lookup })
    sender.send({ n: 1 })
    await sender.idle()
    // A second lookup by the HTTP client would have gone to the system resolver and failed.
    expect(received).toMatchObject([{ path: '/hook', host: `${NAME}:${port()}`, body: { n: 1 } }])
    expect(calls).toEqual([NAME])
    expect(sender.stats()).toMatchObject({ delivered: 1, failed: 0 })
  })

  it('never follows a redirect: a 3xx is a failed delivery and the other receiver gets nothing', async () => {
    const other: string[] = []
    const second = http.createServer((req, res) => {
      other.push(req.url ?? '')
      res.writeHead(204).end()
    })
    await new Promise<void>((r) => second.listen(0, '127.0.0.1', r))
    try {
      const elsewhere = `http://127.0.0.1:${(second.address() as AddressInfo).port}/stolen`
      hook.state.script = [
        (r) => r.writeHead(302, { location: elsewhere }).end(),
        (r) => r.writeHead(307, { location: elsewhere }).end(),
      ]
      const { logger, lines } = capturingLogger()
      const sender = createWebhookSender({ url: () => `${base}/hook`, logger, policy, backoffMs: 10 })
      sender.send({ n: 1 })
      await sender.idle()
      expect(received).toHaveLength(1)
      expect(other).toEqual([])
      expect(sender.stats()).toMatchObject({ delivered: 0, failed: 1 })
      expect(lines[0]).toContain('HTTP 302 (redirects are not followed)')
    } finally {
      await new Promise<void>((r) => second.close(() => r()))
    }
  })

  it('gives up on a resolver that never answers within the attempt timeout', async () => {
    const { logger, lines } = capturingLogger()
    const lookup: Lookup = () => new Promise(() => {})
    const sender = createWebhookSender({
      url: () => `http://${NAME}:${port()}/hook`,
      logger,
      policy,
      lookup,
      timeoutMs: 100,
      retries: 1,
      backoffMs: 10,
    })
    sender.send({ n: 1 })
    await sender.idle()
    expect(sender.stats()).toMatchObject({ delivered: 0, failed: 1 })
    expect(lines[0]).toContain('no answer within 100 ms')
  })

  it('over https sends the name as TLS SNI while connecting to the checked address', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'webhook-tls-'))
    try {
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-subj',
          `/CN=${NAME}`,
          '-days',
          '1',
          '-keyout',
          join(dir, 'key.pem'),
          '-out',
          join(dir, 'cert.pem'),
        ],
        { stdio: 'ignore' },
      )
      const sni: string[] = []
      const tls = https.createServer(
        {
          key: readFileSync(join(dir, 'key.pem')),
          cert: readFileSync(join(dir, 'cert.pem')),
          SNICallback: (servername, done) => {
            sni.push(servername)
            done(null, undefined)
          },
        },
        (_req, res) => res.writeHead(204).end(),
      )
      // The certificate is self-signed: the client refuses it, after it has sent its SNI.
      tls.on('tlsClientError', () => {})
      await new Promise<void>((r) => tls.listen(0, '127.0.0.1', r))
      try {
        const { logger, lines } = capturingLogger()
        const { lookup } = fakeLookup('127.0.0.1')
        const sender = createWebhookSender({
          url: () => `https://${NAME}:${(tls.address() as AddressInfo).port}/hook`,
          logger,
          policy,
          lookup,
          retries: 0,
        })
        sender.send({ n: 1 })
        await sender.idle()
        expect(sni).toEqual([NAME])
        expect(sender.stats()).toMatchObject({ delivered: 0, failed: 1 })
        expect(lines[0]).toMatch(/self.signed/i)
      } finally {
        tls.closeAllConnections()
        await new Promise<void>((r) => tls.close(() => r()))
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('checks a URL before it is saved: literals, resolved names, and lets unresolvable names through', async () => {
    const { logger } = capturingLogger()
    const { lookup } = fakeLookup('127.0.0.1')
    const sender = createWebhookSender({ url: () => null, logger, policy: strict, lookup })
    expect(await sender.check(`http://${NAME}/hook`)).toMatchObject({ rule: 'loopback' })
    expect(await sender.check('http://[::1]/hook')).toMatchObject({ rule: 'loopback' })
    expect(await sender.check('http://169.254.169.254/')).toMatchObject({ rule: 'cloud_metadata' })
    // Judged again at send time: a name without an answer now is not proof of anything.
    expect(await sender.check('https://not-resolvable.invalid/hook')).toBeNull()
    expect(await sender.check('https://1.1.1.1/hook')).toBeNull()
  })
})
