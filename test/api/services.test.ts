import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cleanupTestResources, createTestContainer, createTestVolume, dockerCli, volumeExists } from '../helpers/docker'
import { api, call, events, json } from './client'

afterAll(cleanupTestResources)

describe(`services API [${api.mode}]`, () => {
  let web: Awaited<ReturnType<typeof createTestContainer>>
  let unmanaged: Awaited<ReturnType<typeof createTestContainer>>
  beforeAll(async () => {
    web = await createTestContainer({
      cmd: ['sh', '-c', 'echo hello api; trap "exit 0" TERM; sleep 3600 & wait'],
      env: ['ADMIN_PASSWORD=hunter2', 'PLAIN=visible'],
    })
    unmanaged = await createTestContainer({ managed: false })
  })

  it('GET /api/health answers without a token, with details only with one', async () => {
    const open = await (await fetch(`${api.baseUrl}/api/health`)).json()
    expect(open).toEqual({ success: true, status: 'ok' })
    const { body } = await json('/api/health')
    expect(body.docker).toMatchObject({ status: 'connected', version: expect.any(String) })
    expect(body.containers.managed).toBeGreaterThanOrEqual(1)
    expect(body.host.cpus).toBeGreaterThan(0)
  })

  it('serves its OpenAPI document and the offline reference page without a token', async () => {
    const doc = await (await fetch(`${api.baseUrl}/api/openapi.json`)).json()
    expect(doc).toMatchObject({ openapi: '3.1.0', paths: { '/api/services': { get: expect.any(Object) } } })
    const page = await fetch(`${api.baseUrl}/api/docs`)
    expect(page.status).toBe(200)
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'")
    expect((await fetch(`${api.baseUrl}/api/docs/docs.js`)).status).toBe(200)
  })

  it('refuses a missing or wrong token with 401', async () => {
    expect((await fetch(`${api.baseUrl}/api/services`)).status).toBe(401)
    expect(
      (await fetch(`${api.baseUrl}/api/services`, { headers: { authorization: 'Bearer not-the-token-at-all' } }))
        .status,
    ).toBe(401)
  })

  it('lists managed services and hides unmanaged ones', async () => {
    const { status, body } = await json('/api/services')
    expect(status).toBe(200)
    const names = body.services.map((s: { name: string }) => s.name)
    expect(names).toContain(web.name)
    expect(names).not.toContain(unmanaged.name)
    expect((await call(`/api/services/${unmanaged.name}`)).status).toBe(404)
  })

  it('shows details with secrets redacted', async () => {
    const { body } = await json(`/api/services/${web.id.slice(0, 12)}`)
    expect(body.service).toMatchObject({ serviceId: web.name, env: { ADMIN_PASSWORD: '********', PLAIN: 'visible' } })
  })

  it('stops and starts, answering with the new state', async () => {
    let res = await json(`/api/services/${web.name}/stop`, { method: 'POST' })
    expect(res.body.service.isRunning).toBe(false)
    res = await json(`/api/services/${web.name}/start`, { method: 'POST' })
    expect(res.body.service.isRunning).toBe(true)
  })

  it('returns logs', async () => {
    const { body } = await json(`/api/services/${web.name}/logs?tail=5`)
    expect(body.lines.map((l: { message: string }) => l.message)).toContain('hello api')
    // The original API's text beside the lines.
    expect(body.logs).toContain('hello api')
  })

  it('refuses bad ids with 400 and unknown ones with 404, in the envelope', async () => {
    for (const id of ['..%2Fx', '%2e%2e%2f', 'x'.repeat(300)]) {
      const { status, body } = await json(`/api/services/${id}`)
      expect(status, id).toBe(400)
      expect(body).toMatchObject({ success: false, code: 'invalid_input' })
    }
    expect((await json('/api/services/zapie-nobody-here')).status).toBe(404)
    expect((await json('/api/no-such-route')).body).toMatchObject({ success: false, code: 'not_found' })
  })

  it('deletes a service and keeps its volume unless told otherwise', async () => {
    const volume = await createTestVolume()
    const svc = await createTestContainer({ volume: { name: volume, path: '/data' } })
    expect((await json(`/api/services/${svc.name}`, { method: 'DELETE' })).body.volumesKept).toEqual([volume])
    expect(await volumeExists(volume)).toBe(true)
  })

  it('streams container events with Last-Event-ID replay and tickets', async () => {
    const svc = await createTestContainer()
    const { body } = await json('/api/events/ticket', { method: 'POST' })
    const stream = await events(`?ticket=${body.ticket}&services=${svc.name}`, {})
    expect(stream.response.status).toBe(200)
    await dockerCli('stop', '-t', '1', svc.name)
    const stop = await stream.waitFor(
      (e) => e.event === 'container-event' && JSON.parse(e.data).action === 'stop',
      3000,
    )
    stream.close()
    await dockerCli('start', svc.name)
    const again = await events(`?services=${svc.name}`, {
      authorization: `Bearer ${api.token}`,
      'last-event-id': stop.id!,
    })
    await again.waitFor((e) => e.event === 'container-event' && JSON.parse(e.data).action === 'start', 3000)
    again.close()
  })
})
