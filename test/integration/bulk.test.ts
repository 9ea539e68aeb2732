import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { auth } from '../helpers/app'
import { cleanupTestResources, createTestContainer, createTestVolume, dockerCli, volumeExists } from '../helpers/docker'
import { AGENT_MODES, appWithRealAgent } from '../helpers/real-agent'

afterAll(cleanupTestResources)

const dirs: string[] = []
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

describe.each(AGENT_MODES)('POST /api/services/bulk/:operation against the real engine [%s agent]', (mode) => {
  let ctx: Awaited<ReturnType<typeof appWithRealAgent>>
  const bulk = (operation: string, body: unknown) =>
    ctx.app.request(`/api/services/bulk/${operation}`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
  const status = (name: string) => dockerCli('inspect', '--format', '{{.State.Status}}', name)

  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'zapie-bulk-'))
    dirs.push(dataDir)
    ctx = await appWithRealAgent(mode, { dataDir })
  })
  afterAll(async () => ctx.close())

  it('stops valid services, reports unknown ones per item with 207, and handles each id once', async () => {
    const a = await createTestContainer()
    const b = await createTestContainer()
    const unmanaged = await createTestContainer({ managed: false })
    const seen: string[] = []
    const ac = new AbortController()
    void (async () => {
      for await (const item of ctx.host.hub.subscribe({ signal: ac.signal, filter: { types: ['bulk-progress'] } })) {
        if (item.kind === 'event') seen.push(`${item.event.data.status}:${item.event.data.serviceId ?? ''}`)
      }
    })()

    const res = await bulk('stop', { serviceIds: [a.name, 'zapie-no-such-service', b.name, a.name, unmanaged.name] })
    expect(res.status).toBe(207)
    const body = await res.json()
    expect(body).toMatchObject({
      success: false,
      operation: 'stop',
      operationId: expect.stringMatching(/^bulk_/),
      results: {
        success: 2,
        failed: 2,
        errors: [
          { serviceId: 'zapie-no-such-service', code: 'not_found', error: expect.any(String) },
          { serviceId: unmanaged.name, code: 'not_found', error: expect.any(String) },
        ],
      },
    })
    expect(body.items).toEqual([
      { serviceId: a.name, success: true, status: 200, result: { containerId: a.id, state: 'exited' } },
      { serviceId: 'zapie-no-such-service', success: false, status: 404, error: expect.any(String), code: 'not_found' },
      { serviceId: b.name, success: true, status: 200, result: { containerId: b.id, state: 'exited' } },
      { serviceId: unmanaged.name, success: false, status: 404, error: expect.any(String), code: 'not_found' },
    ])
    expect(await status(a.name)).toBe('exited')
    expect(await status(b.name)).toBe('exited')
    // An unmanaged container is out of reach, in bulk too.
    expect(await status(unmanaged.name)).toBe('running')
    ac.abort()
    expect(seen[0]).toBe('started:')
    expect(seen.at(-1)).toBe('finished:')
    expect(seen.filter((s) => s.startsWith('completed:')).sort()).toEqual(
      [`completed:${a.name}`, `completed:${b.name}`].sort(),
    )
    expect(seen.filter((s) => s.startsWith('failed:'))).toHaveLength(2)
  })

  it('starts and restarts with 200 when every service succeeds', async () => {
    const a = await createTestContainer({ start: false })
    const b = await createTestContainer({ start: false })
    let res = await bulk('start', { serviceIds: [a.name, b.name] })
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ success: true, results: { success: 2, failed: 0, errors: [] } })
    expect([await status(a.name), await status(b.name)]).toEqual(['running', 'running'])
    res = await bulk('restart', { serviceIds: [a.name, b.name] })
    expect(res.status).toBe(200)
  })

  it('backs up several services, one backup each', async () => {
    const volumes = [await createTestVolume(), await createTestVolume()]
    const a = await createTestContainer({ volume: { name: volumes[0]!, path: '/data' } })
    const b = await createTestContainer({ volume: { name: volumes[1]!, path: '/data' } })
    const res = await bulk('backup', {
      serviceIds: [a.name, b.name],
      options: { name: 'nightly', consistency: 'live' },
    })
    expect(res.status).toBe(200)
    const body = await res.json()
    for (const [i, svc] of [a, b].entries()) {
      const item = body.items[i]
      expect(item).toMatchObject({
        serviceId: svc.name,
        success: true,
        result: { backupId: expect.stringMatching(/^bk_/) },
      })
      const { backups } = await (await ctx.app.request(`/api/services/${svc.name}/backups`, { headers: auth })).json()
      expect(backups).toEqual([
        expect.objectContaining({ id: item.result.backupId, name: 'nightly', origin: 'bulk', status: 'ok' }),
      ])
    }
  })

  it('deletes services but keeps their data unless keepData is false', async () => {
    const kept = await createTestVolume()
    const gone = await createTestVolume()
    const a = await createTestContainer({ volume: { name: kept, path: '/data' } })
    const b = await createTestContainer({ volume: { name: gone, path: '/data' } })
    expect((await bulk('delete', { serviceIds: [a.name] })).status).toBe(200)
    expect(await volumeExists(kept)).toBe(true)
    const res = await bulk('delete', { serviceIds: [b.name], options: { keepData: false } })
    expect((await res.json()).items[0]).toMatchObject({ success: true, result: { volumesRemoved: [gone] } })
    expect(await volumeExists(gone)).toBe(false)
  })

  it('refuses an unknown operation, an empty list, more than 100 ids and malformed ids with 400', async () => {
    const svc = await createTestContainer()
    expect((await bulk('explode', { serviceIds: [svc.name] })).status).toBe(400)
    expect((await bulk('stop', { serviceIds: [] })).status).toBe(400)
    expect((await bulk('stop', { serviceIds: Array.from({ length: 101 }, (_, i) => `svc-${i}`) })).status).toBe(400)
    expect((await bulk('stop', { serviceIds: ['../etc'] })).status).toBe(400)
    expect((await bulk('stop', { serviceIds: [svc.name], options: { force: true } })).status).toBe(400)
    expect(await status(svc.name)).toBe('running')
  })
})
