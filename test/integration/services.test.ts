import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { auth } from '../helpers/app'
import { cleanupTestResources, createTestContainer, createTestVolume, dockerCli, volumeExists } from '../helpers/docker'
import { AGENT_MODES, appWithRealAgent } from '../helpers/real-agent'
import { openEventStream } from '../helpers/sse-client'
import { listen } from '../helpers/targets'

afterAll(cleanupTestResources)

describe.each(AGENT_MODES)('services against the real engine [%s agent]', (mode) => {
  let ctx: Awaited<ReturnType<typeof appWithRealAgent>>
  let web: Awaited<ReturnType<typeof createTestContainer>>
  let tty: Awaited<ReturnType<typeof createTestContainer>>
  let idle: Awaited<ReturnType<typeof createTestContainer>>
  let unmanaged: Awaited<ReturnType<typeof createTestContainer>>
  const api = (path: string, init: RequestInit = {}) =>
    ctx.app.request(path, { ...init, headers: { ...auth, ...(init.headers as Record<string, string>) } })

  beforeAll(async () => {
    ctx = await appWithRealAgent(mode)
    idle = await createTestContainer({ start: false })
    web = await createTestContainer({
      cmd: ['sh', '-c', 'echo line one; echo line two >&2; echo line three; trap "exit 0" TERM; sleep 3600 & wait'],
      env: ['DB_PASSWORD=hunter2', 'API_KEY=abc123', 'PLAIN=visible', 'CUSTOM=s3cret'],
      labels: { 'zapie.secrets': 'CUSTOM', 'zapie.service': 'busybox', 'zapie.template': 'basic' },
    })
    tty = await createTestContainer({
      tty: true,
      cmd: ['sh', '-c', 'echo tty hello; echo tty second; trap "exit 0" TERM; sleep 3600 & wait'],
    })
    unmanaged = await createTestContainer({ managed: false })
    // Logs are written right after start; give the shell a moment to print.
    await dockerCli('exec', web.name, 'true')
  })
  afterAll(async () => ctx.close())

  describe('GET /api/services', () => {
    it('lists managed containers only, running first, then newest', async () => {
      const res = await api('/api/services')
      expect(res.status).toBe(200)
      const { services } = await res.json()
      const names = services.map((s: { name: string }) => s.name)
      expect(names).toEqual(expect.arrayContaining([web.name, tty.name, idle.name]))
      expect(names).not.toContain(unmanaged.name)
      const mine = services.filter((s: { name: string }) => [web.name, tty.name, idle.name].includes(s.name))
      expect(mine.map((s: { name: string }) => s.name)).toEqual([tty.name, web.name, idle.name])
      expect(mine[0]).toMatchObject({
        serviceId: tty.name,
        state: 'running',
        isRunning: true,
        canStop: true,
        canStart: false,
        image: 'zapie-test/busybox:latest',
      })
      expect(mine[2]).toMatchObject({ state: 'created', isRunning: false, canStart: true })
    })
  })

  describe('GET /api/services/:containerId', () => {
    it('resolves the stable id, the full id and a 12-character prefix', async () => {
      for (const ref of [web.name, web.id, web.id.slice(0, 12)]) {
        const res = await api(`/api/services/${ref}`)
        expect(res.status, ref).toBe(200)
        expect((await res.json()).service.id).toBe(web.id)
      }
    })

    it('does not resolve a prefix shorter than 12 characters', async () => {
      expect((await api(`/api/services/${web.id.slice(0, 11)}`)).status).toBe(404)
    })

    it('redacts secret-looking and template-declared secret values', async () => {
      const { service } = await (await api(`/api/services/${web.name}`)).json()
      expect(service.env).toMatchObject({
        DB_PASSWORD: '********',
        API_KEY: '********',
        CUSTOM: '********',
        PLAIN: 'visible',
      })
      expect(JSON.stringify(service)).not.toMatch(/hunter2|abc123|s3cret/)
      expect(service).toMatchObject({ serviceType: 'busybox', tier: 'basic', restartPolicy: 'no', tty: false })
    })
  })

  describe('lifecycle', () => {
    it('stops, is idempotent, starts, restarts — answering with the new state and emitting service-action', async () => {
      const seen: string[] = []
      const ac = new AbortController()
      void (async () => {
        for await (const item of ctx.hub.subscribe({
          signal: ac.signal,
          filter: { types: ['service-action'], services: [web.name] },
        })) {
          if (item.kind === 'event') seen.push(`${item.event.data.action}:${item.event.data.status}`)
        }
      })()
      let res = await api(`/api/services/${web.name}/stop?timeout=1`, { method: 'POST' })
      expect(res.status).toBe(200)
      expect((await res.json()).service).toMatchObject({ state: 'exited', isRunning: false })
      res = await api(`/api/services/${web.name}/stop`, { method: 'POST' })
      expect(res.status).toBe(200)
      res = await api(`/api/services/${web.name}/start`, { method: 'POST' })
      expect((await res.json()).service).toMatchObject({ state: 'running', isRunning: true })
      res = await api(`/api/services/${web.name}/start`, { method: 'POST' })
      expect(res.status).toBe(200)
      expect((await res.json()).service.isRunning).toBe(true)
      const before = JSON.parse(await dockerCli('inspect', '--format', '{{json .State.StartedAt}}', web.name))
      res = await api(`/api/services/${web.name}/restart?timeout=1`, { method: 'POST' })
      expect((await res.json()).service.isRunning).toBe(true)
      const after = JSON.parse(await dockerCli('inspect', '--format', '{{json .State.StartedAt}}', web.name))
      expect(after > before).toBe(true)
      ac.abort()
      expect(seen).toEqual([
        'stop:in-progress',
        'stop:completed',
        'stop:in-progress',
        'stop:completed',
        'start:in-progress',
        'start:completed',
        'start:in-progress',
        'start:completed',
        'restart:in-progress',
        'restart:completed',
      ])
    })

    it('reports a service whose command cannot run as a failed start', async () => {
      const broken = await createTestContainer({ start: false, cmd: ['/no/such/binary'] })
      const res = await api(`/api/services/${broken.name}/start`, { method: 'POST' })
      expect(res.status).toBe(409)
      expect(await res.json()).toMatchObject({
        code: 'start_failed',
        error: expect.stringContaining('/no/such/binary'),
      })
    })
  })

  describe('GET …/logs', () => {
    it('returns the last lines with stdout and stderr told apart', async () => {
      const { lines: logs, logs: text } = await (await api(`/api/services/${web.name}/logs?tail=100`)).json()
      // The original API's text beside the structured lines.
      expect(text.split('\n').slice(0, 3).sort()).toEqual(['line one', 'line three', 'line two'])
      // Docker keeps order within a stream; across stdout and stderr it has no order to keep.
      const firstRun = logs.slice(0, 3)
      expect(
        firstRun.filter((l: { stream: string }) => l.stream === 'stdout').map((l: { message: string }) => l.message),
      ).toEqual(['line one', 'line three'])
      expect(
        firstRun.filter((l: { stream: string }) => l.stream === 'stderr').map((l: { message: string }) => l.message),
      ).toEqual(['line two'])
      const { lines: tail } = await (await api(`/api/services/${web.name}/logs?tail=1`)).json()
      expect(tail).toHaveLength(1)
    })

    it('reads a TTY container and adds timestamps on request', async () => {
      const { lines: logs, logs: text } = await (await api(`/api/services/${tty.name}/logs?timestamps=true`)).json()
      expect(logs.map((l: { message: string }) => l.message)).toEqual(['tty hello', 'tty second'])
      expect(logs[0].timestamp).toMatch(/^\d{4}-\d\d-\d\dT/)
      expect(text).toBe(`${logs[0].timestamp} tty hello\n${logs[1].timestamp} tty second`)
    })

    it('honours since', async () => {
      const future = Math.floor(Date.now() / 1000) + 3600
      const { lines, logs } = await (await api(`/api/services/${tty.name}/logs?since=${future}`)).json()
      expect(lines).toEqual([])
      expect(logs).toBe('')
    })

    it('follows new lines as SSE', async () => {
      const ticker = await createTestContainer({
        cmd: ['sh', '-c', 'i=0; while true; do echo tick $i; i=$((i+1)); sleep 0.1; done'],
      })
      const server = await listen(ctx.app)
      try {
        const stream = await openEventStream(`${server.url}/api/services/${ticker.name}/logs?follow=true&tail=1`, auth)
        await stream.waitFor((e) => e.event === 'log' && /tick [3-9]/.test(e.data), 10_000)
        const ticks = stream.received.filter((e) => e.event === 'log').map((e) => JSON.parse(e.data).message)
        expect(ticks.length).toBeGreaterThanOrEqual(2)
        const numbers = ticks.map((t: string) => Number(t.split(' ')[1]))
        expect(numbers).toEqual([...numbers].sort((a, b) => a - b))
        stream.close()
      } finally {
        await server.close()
      }
    })
  })

  describe('DELETE /api/services/:containerId', () => {
    it('keeps the data volume by default', async () => {
      const volume = await createTestVolume()
      const svc = await createTestContainer({ volume: { name: volume, path: '/data' } })
      const res = await api(`/api/services/${svc.name}`, { method: 'DELETE' })
      expect(res.status).toBe(200)
      expect(await res.json()).toMatchObject({ removed: true, volumesKept: [volume], volumesRemoved: [] })
      expect(await volumeExists(volume)).toBe(true)
      expect((await api(`/api/services/${svc.name}`)).status).toBe(404)
    })

    it('removes the data volume with keepData=false', async () => {
      const volume = await createTestVolume()
      const svc = await createTestContainer({ volume: { name: volume, path: '/data' } })
      const res = await api(`/api/services/${svc.name}?keepData=false`, { method: 'DELETE' })
      expect(await res.json()).toMatchObject({ volumesRemoved: [volume] })
      expect(await volumeExists(volume)).toBe(false)
    })
  })

  describe('scope and input', () => {
    it('hides an unmanaged container from every endpoint', async () => {
      const ref = unmanaged.name
      const calls: [string, string][] = [
        ['GET', `/api/services/${ref}`],
        ['POST', `/api/services/${ref}/start`],
        ['POST', `/api/services/${ref}/stop`],
        ['POST', `/api/services/${ref}/restart`],
        ['GET', `/api/services/${ref}/logs`],
        ['GET', `/api/services/${ref}/logs?follow=true`],
        ['DELETE', `/api/services/${ref}`],
        ['GET', `/api/services/${unmanaged.id}`],
      ]
      for (const [method, path] of calls) {
        const res = await api(path, { method })
        expect(res.status, `${method} ${path}`).toBe(404)
      }
      expect(await dockerCli('inspect', '--format', '{{.State.Running}}', ref)).toBe('true')
    })

    it('refuses traversal and oversized ids with 400, unknown ids with 404', async () => {
      for (const id of ['..%2Fx', '%2e%2e%2f', 'x'.repeat(300)]) {
        expect((await api(`/api/services/${id}`)).status, id).toBe(400)
        expect((await api(`/api/services/${id}/stop`, { method: 'POST' })).status, id).toBe(400)
      }
      expect((await api('/api/services/zapie-does-not-exist')).status).toBe(404)
    })

    it('refuses a missing or wrong token with 401', async () => {
      expect((await ctx.app.request('/api/services')).status).toBe(401)
      expect(
        (await ctx.app.request('/api/services', { headers: { authorization: 'Bearer wrong-token-wrong-token' } }))
          .status,
      ).toBe(401)
    })
  })
})
