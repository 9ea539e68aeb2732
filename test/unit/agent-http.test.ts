import { afterEach, describe, expect, it, vi } from 'vitest'
import { createHttpAgentClient } from '../../src/agent/http-client'
import { createAgentServer } from '../../src/agent/server'
import { AUTH_FAILURE_LIMIT } from '../../src/auth-failures'
import { AppError } from '../../src/errors'
import { createEventHub } from '../../src/events/hub'
import { createEventRelay } from '../../src/events/relay'
import { silentLogger } from '../../src/logger'
import { auth, buildTestApp } from '../helpers/app'
import { createFakeAgent, fakeService } from '../helpers/fake-agent'
import { serveFakeAgent } from '../helpers/fake-agent-server'

const server = serveFakeAgent([fakeService('zapie-web-1')])
const { agent, hub, token: TOKEN } = server

const rpc = (method: string, body: unknown, token = TOKEN) =>
  fetch(`${server.url}/rpc/${method}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })

describe('agent HTTP server', () => {
  it('requires its token on every route but /health', async () => {
    expect((await fetch(`${server.url}/health`)).status).toBe(200)
    expect((await rpc('listServices', { args: [{}] }, 'wrong-token-wrong-token')).status).toBe(401)
    expect((await fetch(`${server.url}/events`)).status).toBe(401)
    expect((await fetch(`${server.url}/logs/zapie-web-1?tail=1&timestamps=false`)).status).toBe(401)
  })

  it('validates arguments before calling the agent', async () => {
    expect((await rpc('getService', { args: ['../etc', {}] })).status).toBe(400)
    expect((await rpc('getLogs', { args: ['zapie-web-1', { tail: 99999, timestamps: false }] })).status).toBe(400)
    expect((await rpc('removeService', { args: ['zapie-web-1', {}] })).status).toBe(400)
    expect((await rpc('constructor', { args: [] })).status).toBe(404)
    expect((await rpc('followLogs', { args: [] })).status).toBe(404)
  })
})

describe('agent HTTP server token check', () => {
  afterEach(() => vi.restoreAllMocks())

  /** The agent server alone, callers told apart by a test header (the socket's peer on Node). */
  const agentServer = () => {
    const hub = createEventHub()
    const app = createAgentServer({
      agent: createFakeAgent(hub, [fakeService('zapie-web-1')]).agent,
      events: hub,
      token: TOKEN,
      logger: silentLogger,
      clientAddress: (c) => c.req.header('x-test-client'),
    })
    return (authorization: string | undefined, client = 'a') =>
      app.request('/rpc/listServices', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-test-client': client,
          ...(authorization ? { authorization } : {}),
        },
        body: JSON.stringify({ args: [{}] }),
      })
  }

  it('refuses a missing or wrong token with the unauthorized envelope and accepts the right one', async () => {
    const call = agentServer()
    const refused = {
      success: false,
      error: 'A valid agent token is required',
      message: 'A valid agent token is required',
      code: 'unauthorized',
    }
    for (const authorization of [
      undefined,
      'Bearer',
      `Basic ${TOKEN}`,
      `Bearer ${TOKEN}x`,
      `Bearer ${TOKEN.slice(0, -1)}`,
      `Bearer ${'x'.repeat(10_000)}`,
      'Bearer ÿüé',
    ]) {
      const res = await call(authorization)
      expect(res.status, authorization).toBe(401)
      expect(await res.json()).toEqual(refused)
    }
    const ok = await call(`Bearer ${TOKEN}`)
    expect(ok.status).toBe(200)
    expect(await ok.json()).toMatchObject({ success: true, result: [{ serviceId: 'zapie-web-1' }] })
  })

  it('counts wrong tokens per client and then answers 429, even to the right token', async () => {
    const call = agentServer()
    for (let i = 0; i < AUTH_FAILURE_LIMIT; i++) expect((await call(`Bearer guess-${i}`)).status).toBe(401)
    const limited = await call(`Bearer ${TOKEN}`)
    expect(limited.status).toBe(429)
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(await limited.json()).toMatchObject({ success: false, code: 'rate_limited' })
    // Another caller is not held up by the guesser.
    expect((await call(`Bearer ${TOKEN}`, 'b')).status).toBe(200)
  })

  it('checks the token on the event loop: no Web Crypto digest (a thread-pool round trip) per request', async () => {
    const call = agentServer()
    const digest = vi.spyOn(crypto.subtle, 'digest')
    expect((await call(`Bearer ${TOKEN}`)).status).toBe(200)
    expect((await call('Bearer wrong-token')).status).toBe(401)
    expect(digest).not.toHaveBeenCalled()
  })
})

describe('HTTP agent client', () => {
  it('returns what the agent returns', async () => {
    const remote = createHttpAgentClient({ url: server.url, token: TOKEN })
    expect(await remote.listServices()).toEqual(await agent.listServices())
    expect((await remote.getService('zapie-web-1')).serviceId).toBe('zapie-web-1')
    const lines = []
    for await (const line of remote.followLogs('zapie-web-1', {
      tail: 10,
      timestamps: false,
      signal: new AbortController().signal,
    }))
      lines.push(line)
    expect(lines).toEqual([{ stream: 'stdout', message: 'hello from zapie-web-1' }])
  })

  it('carries the agent errors over unchanged', async () => {
    const remote = createHttpAgentClient({ url: server.url, token: TOKEN })
    const err = await remote.getService('zapie-ghost').catch((e) => e)
    expect(err).toBeInstanceOf(AppError)
    expect(err).toMatchObject({ status: 404, code: 'not_found' })
  })

  it('maps an unreachable agent to 503 agent_unavailable', async () => {
    const dead = createHttpAgentClient({ url: 'http://127.0.0.1:9', token: TOKEN })
    await expect(dead.listServices()).rejects.toMatchObject({ status: 503, code: 'agent_unavailable' })
  })

  it('gives the API a 503 with a clear message when the agent is down', async () => {
    const dead = createHttpAgentClient({ url: 'http://127.0.0.1:9', token: TOKEN })
    const { app } = await buildTestApp({ agent: dead })
    const res = await app.request('/api/services', { headers: auth })
    expect(res.status).toBe(503)
    expect(await res.json()).toMatchObject({
      code: 'agent_unavailable',
      error: expect.stringContaining('not reachable'),
    })
  })
})

describe('event relay', () => {
  it('re-emits the agent hub events with filters and Last-Event-ID', async () => {
    const relay = createEventRelay({ url: server.url, token: TOKEN, retryMs: 50 })
    const first = hub.publish('service-action', { serviceId: 'a', n: 1 })
    hub.publish('service-action', { serviceId: 'b', n: 2 })
    hub.publish('service-action', { serviceId: 'a', n: 3 })
    const ac = new AbortController()
    const got: unknown[] = []
    for await (const item of relay.subscribe({
      lastEventId: first.id,
      filter: { services: ['a'] },
      signal: ac.signal,
    })) {
      if (item.kind === 'event') got.push(item.event.data.n)
      if (got.length === 1) break
    }
    expect(got).toEqual([3])
    expect(relay.subscriberCount()).toBe(0)
  })
})
