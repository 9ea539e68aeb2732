import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createWebhookSender, redactUrl } from '../../src/agent/monitor/webhook'
import type { Logger } from '../../src/logger'

/** A receiver on 127.0.0.1 that answers each request as the test scripts it. */
let server: http.Server
let base: string
let received: { path: string; body: unknown; type: string | undefined; auth?: string }[] = []
let script: ((res: http.ServerResponse) => void)[] = []

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let data = ''
    req.on('data', (c) => (data += c))
    req.on('end', () => {
      received.push({ path: req.url ?? '', body: JSON.parse(data || 'null'), type: req.headers['content-type'], ...(req.headers.authorization ? { auth: req.headers.authorization } : {}) })
      const answer = script.shift() ?? ((r: http.ServerResponse) => r.writeHead(204).end())
      answer(res)
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))))
beforeEach(() => {
  received = []
  script = []
})

function capturingLogger() {
  const lines: string[] = []
  const log = (f: Record<string, unknown>) => lines.push(JSON.stringify(f))
  const logger: Logger = { debug: log, info: log, warn: log, error: log }
  return { logger, lines }
}

const SECRET_PATH = '/hooks/T000/B000/s3cr3t-token?key=also-secret'

describe('alert webhook delivery', () => {
  it('POSTs the alert as JSON', async () => {
    const { logger } = capturingLogger()
    const sender = createWebhookSender({ url: () => `${base}${SECRET_PATH}`, logger })
    sender.send({ event: 'health-alert', alert: { rule: 'cpu_warning', state: 'firing' } })
    await sender.idle()
    expect(received).toEqual([{ path: SECRET_PATH, type: 'application/json', body: { event: 'health-alert', alert: { rule: 'cpu_warning', state: 'firing' } } }])
    expect(sender.stats()).toMatchObject({ delivered: 1, failed: 0 })
  })

  it('retries a 5xx answer with backoff until it is accepted, keeping order', async () => {
    const { logger } = capturingLogger()
    script = [(r) => r.writeHead(503).end(), (r) => r.writeHead(500).end(), (r) => r.writeHead(200).end()]
    const sender = createWebhookSender({ url: () => `${base}/hook`, logger, backoffMs: 20 })
    sender.send({ n: 1 })
    sender.send({ n: 2 })
    await sender.idle()
    expect(received.map((r) => (r.body as { n: number }).n)).toEqual([1, 1, 1, 2])
    expect(sender.stats()).toMatchObject({ delivered: 2, failed: 0 })
  })

  it('gives up after its retries when the receiver hangs, and logs without the secret parts of the URL', async () => {
    const { logger, lines } = capturingLogger()
    const hang = () => {}
    script = [hang, hang, hang]
    const sender = createWebhookSender({ url: () => `http://user:pw@127.0.0.1:${new URL(base).port}${SECRET_PATH}`, logger, timeoutMs: 100, retries: 2, backoffMs: 10 })
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
    script = [(r) => r.writeHead(400).end()]
    const sender = createWebhookSender({ url: () => `${base}/hook`, logger, backoffMs: 10 })
    sender.send({ n: 1 })
    await sender.idle()
    expect(received).toHaveLength(1)
    expect(sender.stats().failed).toBe(1)
  })

  it('sends nothing while no URL is set', async () => {
    const { logger } = capturingLogger()
    const sender = createWebhookSender({ url: () => null, logger })
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
