import http from 'node:http'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { LogLine } from '../../src/schemas/service'
import { auth, buildTestApp } from '../helpers/app'
import { fakeService } from '../helpers/fake-agent'
import { listen } from '../helpers/targets'

/** A follow that stays open until its client goes away, as a real container's would. */
async function* endless(signal: AbortSignal): AsyncIterable<LogLine> {
  yield { stream: 'stdout', message: 'first' }
  await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }))
}

/** Opens a follow from a chosen loopback address; resolves with the status once headers arrive. */
function follow(url: string, localAddress: string) {
  const request = http.get(`${url}/api/services/zapie-web-1/logs?follow=true`, {
    headers: auth,
    localAddress,
    agent: false,
  })
  const status = new Promise<{ status: number; body: Promise<string> }>((resolve, reject) => {
    request.on('response', (res) => {
      const body = new Promise<string>((done) => {
        let text = ''
        res.on('data', (chunk) => {
          text += chunk
          if (res.statusCode !== 200 || text.includes('first')) done(text)
        })
        res.on('end', () => done(text))
        res.on('error', () => done(text))
      })
      resolve({ status: res.statusCode!, body })
    })
    request.on('error', reject)
  })
  return { status, close: () => request.destroy() }
}

describe('GET /api/services/:containerId/logs?follow=true limits', () => {
  let server: Awaited<ReturnType<typeof listen>>
  let open: number
  const opened: { close: () => void }[] = []

  beforeEach(async () => {
    const built = await buildTestApp({
      services: [fakeService('zapie-web-1')],
      env: { ZAPIE_LOG_FOLLOW_PER_CLIENT: '2', ZAPIE_LOG_FOLLOW_MAX: '3' },
    })
    open = 0
    built.deps.agent.followLogs = async function* (_ref, options) {
      open += 1
      try {
        yield* endless(options.signal)
      } finally {
        open -= 1
      }
    }
    server = await listen(built.app)
  })
  afterEach(async () => {
    for (const s of opened.splice(0)) s.close()
    await server.close()
  })

  const start = async (address: string) => {
    const stream = follow(server.url, address)
    opened.push(stream)
    const { status, body } = await stream.status
    return { status, text: await body, close: stream.close }
  }

  it('allows a few per client, refuses more with 429 too_many_streams, and another client still gets one', async () => {
    expect((await start('127.0.0.1')).status).toBe(200)
    const second = await start('127.0.0.1')
    expect(second.status).toBe(200)
    const third = await start('127.0.0.1')
    expect(third.status).toBe(429)
    expect(JSON.parse(third.text)).toMatchObject({
      success: false,
      code: 'too_many_streams',
      error: expect.stringContaining('from this client (2)'),
    })

    // Another address is another client: it gets the last of the three slots in all.
    expect((await start('127.0.0.2')).status).toBe(200)
    const overall = await start('127.0.0.3')
    expect(overall.status).toBe(429)
    expect(JSON.parse(overall.text)).toMatchObject({
      code: 'too_many_streams',
      error: expect.stringContaining('on this server (3)'),
    })

    // A client that leaves frees its slot and its upstream stream.
    second.close()
    await expect.poll(() => open, { timeout: 5000 }).toBe(2)
    await expect.poll(async () => (await start('127.0.0.1')).status, { timeout: 5000 }).toBe(200)
  })

  it('does not count a plain logs request or a follow that failed', async () => {
    for (let i = 0; i < 5; i++) {
      expect((await fetch(`${server.url}/api/services/zapie-web-1/logs?tail=5`, { headers: auth })).status).toBe(200)
      expect((await fetch(`${server.url}/api/services/zapie-ghost/logs?follow=true`, { headers: auth })).status).toBe(
        404,
      )
    }
    expect((await start('127.0.0.1')).status).toBe(200)
  })
})
