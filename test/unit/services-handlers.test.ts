import { beforeEach, expect, it } from 'vitest'
import { createLogger } from '../../src/logger'
import { auth, buildTestApp } from '../helpers/app'
import { fakeService, type FakeService } from '../helpers/fake-agent'
import { describeBothWays } from '../helpers/targets'

let built: Awaited<ReturnType<typeof buildTestApp>>
const seed = (): FakeService[] => {
  const web = fakeService('zapie-web-1')
  web.env = { PORT: '80' }
  return [web, fakeService('zapie-db-2', { state: 'exited', isRunning: false })]
}

beforeEach(async () => {
  built = await buildTestApp({ services: seed() })
})

const post = (_?: string) => ({ method: 'POST', headers: auth })

describeBothWays(
  'services handlers',
  () => built.app,
  (target) => {
    it('GET /api/services lists the summary fields', async () => {
      const res = await target().request('/api/services', { headers: auth })
      const body = await res.json()
      expect(res.status).toBe(200)
      expect(body.services.map((s: { serviceId: string }) => s.serviceId)).toEqual(['zapie-web-1', 'zapie-db-2'])
      for (const key of [
        'id',
        'name',
        'image',
        'status',
        'state',
        'created',
        'ports',
        'url',
        'labels',
        'isRunning',
        'canStart',
        'canStop',
        'canRestart',
        'serviceId',
      ]) {
        expect(body.services[0]).toHaveProperty(key)
      }
    })

    it('GET /api/services/:containerId returns the details', async () => {
      const res = await target().request('/api/services/zapie-web-1', { headers: auth })
      expect(res.status).toBe(200)
      expect((await res.json()).service).toMatchObject({ serviceId: 'zapie-web-1', env: { PORT: '80' } })
    })

    it.each([
      ['dot segments', '..%2Fx'],
      ['an encoded traversal', '%2e%2e%2f'],
      ['a 300-character id', 'a'.repeat(300)],
      ['a leading dot', '.hidden'],
      ['a space', 'a%20b'],
    ])('refuses %s with 400', async (_, id) => {
      const res = await target().request(`/api/services/${id}`, { headers: auth })
      expect(res.status).toBe(400)
      expect(await res.json()).toMatchObject({
        success: false,
        code: 'invalid_input',
        details: expect.arrayContaining([expect.objectContaining({ path: 'param.containerId' })]),
      })
    })

    it('answers an unknown service with 404', async () => {
      const res = await target().request('/api/services/zapie-ghost', { headers: auth })
      expect(res.status).toBe(404)
      expect(await res.json()).toMatchObject({ code: 'not_found' })
    })

    it('starts, stops and restarts, answering with the new state', async () => {
      let res = await target().request('/api/services/zapie-db-2/start', post(''))
      expect(res.status).toBe(200)
      expect((await res.json()).service).toMatchObject({ state: 'running', isRunning: true })
      res = await target().request('/api/services/zapie-db-2/stop?timeout=3', post(''))
      expect((await res.json()).service).toMatchObject({ isRunning: false })
      res = await target().request('/api/services/zapie-db-2/restart', post(''))
      expect((await res.json()).service).toMatchObject({ isRunning: true })
    })

    it('refuses a stop timeout out of range and unknown query fields', async () => {
      expect((await target().request('/api/services/zapie-web-1/stop?timeout=9999', post(''))).status).toBe(400)
      expect((await target().request('/api/services/zapie-web-1/stop?force=1', post(''))).status).toBe(400)
    })

    it('GET …/logs validates tail, since and timestamps', async () => {
      const ok = await target().request(
        '/api/services/zapie-web-1/logs?tail=10&timestamps=true&since=2026-01-01T00:00:00Z',
        { headers: auth },
      )
      expect(ok.status).toBe(200)
      const logs = await ok.json()
      // Text as the original API served it, the structured lines beside it.
      expect(logs).toMatchObject({
        logs: 'hello from zapie-web-1',
        lines: [{ stream: 'stdout', message: 'hello from zapie-web-1' }],
        count: 1,
      })
      for (const q of ['tail=0', 'tail=5001', 'tail=abc', 'since=yesterday', 'timestamps=maybe']) {
        expect((await target().request(`/api/services/zapie-web-1/logs?${q}`, { headers: auth })).status).toBe(400)
      }
    })

    it('GET …/logs?follow=true streams lines as SSE and ends', async () => {
      const res = await target().request('/api/services/zapie-web-1/logs?follow=true', { headers: auth })
      expect(res.headers.get('content-type')).toMatch(/text\/event-stream/)
      const text = await res.text()
      expect(text).toContain('event: log\ndata: {"stream":"stdout","message":"hello from zapie-web-1"}')
      expect(text).toContain('event: end')
    })

    it('HEAD …/logs?follow=true answers the stream headers without following the logs', async () => {
      let follows = 0
      const follow = built.deps.agent.followLogs
      built.deps.agent.followLogs = ((...args: Parameters<typeof follow>) => {
        follows++
        return follow(...args)
      }) as never
      const res = await target().request('/api/services/zapie-web-1/logs?follow=true', {
        method: 'HEAD',
        headers: auth,
      })
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toMatch(/text\/event-stream/)
      // Nobody reads a HEAD answer: a follow opened for it would hold its log stream (and the
      // stream's heartbeat timer) for good.
      expect(follows).toBe(0)
    })

    it('GET …/logs?follow=true that fails mid-stream logs it and shows only a generic error', async () => {
      const lines: string[] = []
      built.deps.logger = createLogger('error', (l) => lines.push(l))
      built.deps.agent.followLogs = async function* () {
        yield { stream: 'stdout', message: 'first line' }
        throw new Error('read unix /var/run/docker.sock: connection reset')
      } as never
      const res = await target().request('/api/services/zapie-web-1/logs?follow=true', { headers: auth })
      const text = await res.text()
      expect(text).toContain('"message":"first line"')
      expect(text).toMatch(/event: error\ndata: The stream failed; reconnect to resume\n\n$/)
      expect(text).not.toContain('docker.sock')
      expect(lines.map((l) => JSON.parse(l))).toEqual([
        expect.objectContaining({
          msg: 'event stream failed',
          requestId: res.headers.get('x-request-id'),
          error: expect.stringContaining('docker.sock'),
        }),
      ])
    })

    it('GET …/logs?follow=true for an unknown service is a 404, not a stream', async () => {
      const res = await target().request('/api/services/zapie-ghost/logs?follow=true', { headers: auth })
      expect(res.status).toBe(404)
    })

    it('DELETE keeps the data unless keepData=false', async () => {
      let res = await target().request('/api/services/zapie-web-1', { method: 'DELETE', headers: auth })
      expect(await res.json()).toMatchObject({ success: true, volumesKept: ['zapie-web-1-data'], volumesRemoved: [] })
      res = await target().request('/api/services/zapie-db-2?keepData=false', { method: 'DELETE', headers: auth })
      expect(await res.json()).toMatchObject({ volumesRemoved: ['zapie-db-2-data'] })
      expect(
        (await target().request('/api/services/zapie-db-2?keepData=nah', { method: 'DELETE', headers: auth })).status,
      ).toBe(400)
    })
  },
)
