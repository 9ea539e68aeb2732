import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createWebhookSender } from '../../src/agent/monitor/webhook'
import { createWebhookTester } from '../../src/agent/monitor/webhook-test'
import type { Lookup } from '../../src/agent/monitor/webhook-target'
import { loadConfig } from '../../src/config'
import type { Logger } from '../../src/logger'
import { webhookPolicyFromConfig } from '../../src/net/webhook-policy'
import { type ReceivedHook, startWebhookReceiver } from '../helpers/webhook-receiver'

/** A receiver on 127.0.0.1 that answers each request as the test scripts it (204 by default). */
let hook: Awaited<ReturnType<typeof startWebhookReceiver>>
let port: number
let received: ReceivedHook[]

beforeAll(async () => {
  hook = await startWebhookReceiver()
  received = hook.got
  port = hook.port
})
afterAll(() => hook.close())
beforeEach(() => {
  hook.got.length = 0
  hook.state.script = []
})

const SECRET = '/hooks/T000/B000/s3cr3t-token?key=also-secret'
const allowLoopback = webhookPolicyFromConfig(loadConfig({ ZAPIE_WEBHOOK_ALLOW_PRIVATE: '127.0.0.1/32' }))
const strict = webhookPolicyFromConfig(loadConfig({}))
const NAME = 'hooks.test.invalid'
const lookup: Lookup = async (hostname) => {
  if (hostname === NAME) return [{ address: '127.0.0.1', family: 4 }]
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' })
}

function setup(options: { saved?: string | null; policy?: typeof strict; timeoutMs?: number } = {}) {
  const lines: string[] = []
  const log = (f: Record<string, unknown>) => lines.push(JSON.stringify(f))
  const logger: Logger = { debug: log, info: log, warn: log, error: log, request: log }
  const clock = { t: 1_800_000_000_000, now: () => clock.t }
  const sender = createWebhookSender({
    url: () => options.saved ?? null,
    logger,
    policy: options.policy ?? allowLoopback,
    lookup,
    timeoutMs: options.timeoutMs ?? 2000,
  })
  const test = createWebhookTester({
    sender,
    savedUrl: () => options.saved ?? null,
    logger,
    clock,
    cooldownMs: 3000,
    timeoutMs: options.timeoutMs ?? 2000,
  })
  return { test, lines, clock, close: () => sender.close() }
}

describe('the webhook test (one attempt through the sender)', () => {
  it('delivers one alert marked as a test and reports the status and the time taken', async () => {
    const t = setup({ saved: `http://user:pw@127.0.0.1:${port}${SECRET}` })
    const result = await t.test(null)
    expect(result).toMatchObject({
      outcome: 'delivered',
      delivered: true,
      status: 204,
      target: `http://127.0.0.1:${port}/…`,
      durationMs: expect.any(Number),
    })
    expect(received).toHaveLength(1)
    expect(received[0]!.path).toBe(SECRET)
    expect(received[0]!.auth).toBe(`Basic ${btoa('user:pw')}`)
    expect(received[0]!.body).toMatchObject({
      event: 'health-alert',
      test: true,
      text: expect.stringMatching(/^\[TEST\] /),
      alert: { rule: 'webhook_test', test: true, state: 'firing' },
    })
    // Neither the answer nor the log shows the path, the query or the credentials.
    for (const text of [JSON.stringify(result), ...t.lines]) expect(text).not.toMatch(/s3cr3t|also-secret|user|pw@/)
    expect(t.lines.join('\n')).toContain('"outcome":"delivered"')
    t.close()
  })

  it('reports a non-2xx answer once, without retrying it', async () => {
    const t = setup()
    hook.state.script = [(r) => r.writeHead(503).end()]
    const result = await t.test(`http://127.0.0.1:${port}/hook`)
    expect(result).toMatchObject({ outcome: 'http_error', delivered: false, status: 503 })
    expect(received).toHaveLength(1)
    t.close()
  })

  it('does not follow a redirect: the receiver it points to gets nothing', async () => {
    const t = setup()
    hook.state.script = [(r) => r.writeHead(302, { location: `http://127.0.0.1:${port}/stolen` }).end()]
    const result = await t.test(`http://127.0.0.1:${port}/hook`)
    expect(result).toMatchObject({ outcome: 'http_error', status: 302 })
    expect('message' in result && result.message).toContain('redirects are not followed')
    expect(received.map((r) => r.path)).toEqual(['/hook'])
    t.close()
  })

  it('reports a receiver that does not answer in time as a timeout', async () => {
    const t = setup({ timeoutMs: 200 })
    hook.state.script = [() => {}]
    const result = await t.test(`http://127.0.0.1:${port}${SECRET}`)
    expect(result).toMatchObject({ outcome: 'timeout', delivered: false, status: null })
    expect('message' in result && result.message).toContain('within 200 ms')
    expect(JSON.stringify(result)).not.toMatch(/s3cr3t|also-secret/)
    t.close()
  })

  it('reports a port nothing listens on as a refused connection, and a name that does not resolve', async () => {
    const closed = http.createServer()
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r))
    const closedPort = (closed.address() as AddressInfo).port
    await new Promise<void>((r) => closed.close(() => r()))
    const t = setup()
    expect(await t.test(`http://127.0.0.1:${closedPort}/hook`)).toMatchObject({ outcome: 'connection_refused' })
    t.clock.t += 3000
    const unknown = await t.test('https://nowhere.invalid/hook/s3cr3t')
    expect(unknown).toMatchObject({ outcome: 'network_error', target: 'https://nowhere.invalid/…' })
    expect(JSON.stringify(unknown)).not.toContain('s3cr3t')
    t.close()
  })

  it('sends nothing to a name that resolves to loopback without the opt-in, and keeps no cooldown for it', async () => {
    const t = setup({ policy: strict })
    const result = await t.test(`http://${NAME}:${port}/hook`)
    expect(result).toMatchObject({ outcome: 'refused', rule: 'loopback', address: '127.0.0.1' })
    expect('message' in result && result.message).toContain(`${NAME} resolves to 127.0.0.1`)
    expect(received).toEqual([])
    expect((await t.test(`http://${NAME}:${port}/hook`)).outcome).toBe('refused')
    t.close()
  })

  it('runs one test at a time, then waits a cooldown before the next', async () => {
    const t = setup()
    let release: () => void = () => {}
    hook.state.script = [(r) => (release = () => r.writeHead(200).end())]
    const first = t.test(`http://127.0.0.1:${port}/one`)
    await expect.poll(() => received.length).toBe(1)
    expect(await t.test(`http://127.0.0.1:${port}/two`)).toMatchObject({ outcome: 'busy' })
    release()
    expect((await first).outcome).toBe('delivered')
    const cooling = await t.test(`http://127.0.0.1:${port}/three`)
    expect(cooling).toEqual({ outcome: 'busy', retryAfterSeconds: 3, message: expect.stringContaining('wait 3 s') })
    t.clock.t += 3000
    expect((await t.test(`http://127.0.0.1:${port}/four`)).outcome).toBe('delivered')
    expect(received.map((r) => r.path)).toEqual(['/one', '/four'])
    t.close()
  })

  it('says so when there is no URL to test', async () => {
    const t = setup({ saved: null })
    expect(await t.test(null)).toMatchObject({ outcome: 'not_configured' })
    t.close()
  })
})
