import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { auth } from '../helpers/app'
import { cleanupTestResources, createTestContainer, createTestVolume, dockerCli, inVolume } from '../helpers/docker'
import { AGENT_MODES, appWithRealAgent } from '../helpers/real-agent'

afterAll(cleanupTestResources)

/** A 2 MiB tmpfs as the backup directory: a disk that fills up for real, in milliseconds. */
function mountSmallDisk(dir: string) {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', dir], { stdio: 'pipe' })
  } catch (err) {
    throw new Error(
      `The disk-full tests mount a 2 MiB tmpfs as the backup directory and must run as root (mount -t tmpfs failed: ${String((err as { stderr?: Buffer }).stderr ?? err).trim()})`,
    )
  }
}

/** Everything in the backup directory, recursively, except `keep`. */
const leftovers = (dir: string, keep: string[] = []) =>
  (readdirSync(dir, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
    .filter((e) => e.isFile() && !keep.includes(e.name))
    .map((e) => e.name)

describe.each(AGENT_MODES)('backups on a full disk [%s agent]', (mode) => {
  let ctx: Awaited<ReturnType<typeof appWithRealAgent>>
  let dataDir: string
  let backupDir: string
  const events: { type: string; data: Record<string, unknown> }[] = []
  const api = (path: string, init: RequestInit = {}) =>
    ctx.app.request(path, { ...init, headers: { ...auth, ...(init.headers as Record<string, string>) } })
  const backup = (service: string, consistency = 'pause') =>
    api(`/api/services/${service}/backups?wait=true`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'nightly', consistency }),
    })
  const state = (name: string) => dockerCli('inspect', '--format', '{{.State.Status}}', name)

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'zapie-disk-full-'))
    backupDir = join(dataDir, 'backups')
    mkdirSync(backupDir)
    mountSmallDisk(backupDir)
    ctx = await appWithRealAgent(mode, { dataDir })
    const hub = ctx.host.hub
    const publish = hub.publish.bind(hub)
    hub.publish = ((type, data) => {
      events.push({ type, data: data as Record<string, unknown> })
      return publish(type, data)
    }) as typeof hub.publish
  })
  afterAll(async () => {
    await ctx?.close()
    try {
      execFileSync('umount', [backupDir])
    } catch {}
    rmSync(dataDir, { recursive: true, force: true })
  })

  async function serviceWith(script: string) {
    const volume = await createTestVolume()
    await inVolume(volume, script)
    return { ...(await createTestContainer({ volume: { name: volume, path: '/data' } })), volume }
  }

  it('refuses with 507 insufficient_storage before pausing the service when the disk is already full', async () => {
    const svc = await serviceWith('echo small > /data/file')
    const filler = join(backupDir, 'filler')
    try {
      writeFileSync(filler, Buffer.alloc(3 * 1024 * 1024))
    } catch (err) {
      expect((err as NodeJS.ErrnoException).code).toBe('ENOSPC')
    }
    try {
      const res = await backup(svc.name)
      const body = await res.json()
      expect(res.status, JSON.stringify(body)).toBe(507)
      expect(body).toMatchObject({ success: false, code: 'insufficient_storage' })
      expect(body.error).toMatch(/free space/i)
      expect(body.error).not.toMatch(/docker/i)
      expect(await state(svc.name)).toBe('running')
      expect(leftovers(backupDir, ['filler'])).toEqual([])
    } finally {
      rmSync(filler, { force: true })
    }
  })

  it('refuses a first backup whose volumes hold more than the disk has free, before it starts', async () => {
    const svc = await serviceWith('dd if=/dev/urandom of=/data/big bs=1M count=4 2>/dev/null')
    const res = await backup(svc.name)
    const body = await res.json()
    expect(res.status, JSON.stringify(body)).toBe(507)
    expect(body.code).toBe('insufficient_storage')
    expect(events.some((e) => e.type === 'backup-progress' && e.data.serviceId === svc.name)).toBe(false)
    expect(await state(svc.name)).toBe('running')
    expect(leftovers(backupDir)).toEqual([])
  })

  it('fails only the backup that runs out of space mid-way: 507, a failed event, no partial, the service resumed, the agent serving', async () => {
    // The last backup was tiny, so the estimate lets this one start; the volume has grown since.
    const svc = await serviceWith('echo small > /data/file')
    const first = await backup(svc.name)
    expect(first.status, await first.clone().text()).toBe(201)
    const kept = `${(await first.json()).backupId}.tar.gz`
    await inVolume(svc.volume, 'dd if=/dev/urandom of=/data/big bs=1M count=4 2>/dev/null')

    const res = await backup(svc.name)
    const body = await res.json()
    expect(res.status, JSON.stringify(body)).toBe(507)
    expect(body.code).toBe('insufficient_storage')
    expect(body.error).toMatch(/ran out of space/)
    const failed = events.find(
      (e) => e.type === 'backup-progress' && e.data.serviceId === svc.name && e.data.phase === 'failed',
    )
    expect(failed?.data).toMatchObject({ code: 'insufficient_storage' })
    expect(
      events.some((e) => e.type === 'backup-progress' && e.data.serviceId === svc.name && e.data.phase === 'reading'),
    ).toBe(true)

    expect(await state(svc.name)).toBe('running')
    expect(leftovers(backupDir)).toEqual([kept])
    const list = await api('/api/services')
    expect(list.status).toBe(200)
    const backups = await (await api(`/api/services/${svc.name}/backups`)).json()
    expect(backups.backups).toHaveLength(1)
  })
})
