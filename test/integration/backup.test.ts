import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { auth } from '../helpers/app'
import {
  cleanupTestResources,
  createTestContainer,
  createTestVolume,
  dockerCli,
  inVolume,
  run,
  volumeExists,
} from '../helpers/docker'
import { AGENT_MODES, appWithRealAgent } from '../helpers/real-agent'

afterAll(cleanupTestResources)

const dirs: string[] = []
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

/**
 * Every path under /data with its type, mode, owner and size, and the SHA-256 of every file:
 * what a user would call "the same data".
 */
const FINGERPRINT =
  'cd /data && find . -exec stat -c "%n %F %a %u:%g %s %h" {} + | sort && find . -type f -exec sha256sum {} + | sort && find . -type l -exec readlink {} +'

const SEED = [
  'mkdir -p /data/sub/deeper /data/empty-dir',
  'echo hello > /data/a.txt',
  'printf "backslash" > "/data/a\\\\b"',
  ': > /data/empty-file',
  'dd if=/dev/urandom of=/data/sub/random.bin bs=1024 count=3072 2>/dev/null',
  'i=0; while [ $i -lt 200 ]; do echo "line $i of some text that compresses well" >> /data/sub/deeper/text.log; i=$((i+1)); done',
  'ln -s a.txt /data/link-to-a',
  'ln /data/a.txt /data/hardlink-to-a',
  `mkdir -p /data/${'long-name-'.repeat(12)} && echo long > /data/${'long-name-'.repeat(12)}/${'f'.repeat(120)}`,
  'chmod 600 /data/sub/random.bin && chown 1000:1000 /data/sub && chmod 700 /data',
].join(' && ')

describe.each(AGENT_MODES)('backups against the real engine [%s agent]', (mode) => {
  let ctx: Awaited<ReturnType<typeof appWithRealAgent>>
  let dataDir: string
  const api = (path: string, init: RequestInit = {}) =>
    ctx.app.request(path, { ...init, headers: { ...auth, ...(init.headers as Record<string, string>) } })
  const json = (body: unknown) => ({
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  const backupOf = async (service: string, body: Record<string, unknown> = {}) => {
    const res = await api(`/api/services/${service}/backups?wait=true`, json({ name: 'test backup', ...body }))
    expect(res.status, await res.clone().text()).toBe(201)
    return (await res.json()).backup
  }
  const archivePath = (serviceId: string, backupId: string) => join(dataDir, 'backups', serviceId, `${backupId}.tar.gz`)
  const fingerprint = (service: string) => dockerCli('exec', service, 'sh', '-c', FINGERPRINT)
  const mountsOf = async (service: string) =>
    JSON.parse(await dockerCli('inspect', '--format', '{{json .Mounts}}', service)) as {
      Name: string
      Destination: string
    }[]

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'zapie-backup-'))
    dirs.push(dataDir)
    ctx = await appWithRealAgent(mode, { dataDir })
  })
  afterAll(async () => ctx.close())

  async function seededService(options: Parameters<typeof createTestContainer>[0] = {}) {
    const volume = await createTestVolume()
    await inVolume(volume, SEED)
    const svc = await createTestContainer({ volume: { name: volume, path: '/data' }, ...options })
    return { ...svc, volume }
  }

  it('backs up, and a restore after changes brings back every file byte for byte, on a recreated container', async () => {
    const svc = await seededService({
      env: ['APP_MODE=production', 'DB_PASSWORD=hunter2'],
      labels: { 'zapie.service': 'busybox', 'zapie.template': 'basic' },
      hostConfig: { RestartPolicy: { Name: 'unless-stopped' }, Memory: 64 * 1024 * 1024 },
    })
    const before = await fingerprint(svc.name)
    const backup = await backupOf(svc.name, { description: 'before the upgrade' })
    expect(backup).toMatchObject({
      name: 'test backup',
      description: 'before the upgrade',
      serviceId: svc.name,
      consistency: 'pause',
      status: 'ok',
      template: 'busybox',
      tier: 'basic',
      volumes: [{ name: svc.volume, destination: '/data', files: expect.any(Number), bytes: expect.any(Number) }],
    })
    expect(backup.volumes[0].bytes).toBeGreaterThan(3 * 1024 * 1024)
    // The record holds no secret: no environment at all.
    expect(JSON.stringify(backup)).not.toMatch(/hunter2|DB_PASSWORD/)
    // The archive on disk is the one the record describes.
    const file = readFileSync(archivePath(svc.name, backup.id))
    expect(file.length).toBe(backup.size)
    expect(createHash('sha256').update(file).digest('hex')).toBe(backup.sha256)
    // Paused for the read, running again afterwards.
    expect(await dockerCli('inspect', '--format', '{{.State.Status}}', svc.name)).toBe('running')

    await dockerCli(
      'exec',
      svc.name,
      'sh',
      '-c',
      'echo changed > /data/a.txt; rm -r /data/sub; echo new > /data/new.txt; chmod 755 /data',
    )
    expect(await fingerprint(svc.name)).not.toBe(before)

    const res = await api(`/api/services/${svc.name}/backups/${backup.id}/restore`, { method: 'POST' })
    expect(res.status, await res.clone().text()).toBe(200)
    const { restore } = await res.json()
    expect(restore).toMatchObject({
      backupId: backup.id,
      serviceId: svc.name,
      previousContainerId: svc.id,
      started: true,
    })
    expect(restore.containerId).not.toBe(svc.id)
    expect(await fingerprint(svc.name)).toBe(before)

    // Same name, labels (zapie.id kept), env, limits and restart policy; the old volume retired.
    const inspected = JSON.parse(await dockerCli('inspect', svc.name))[0]
    expect(inspected.Id).toBe(restore.containerId)
    expect(inspected.Config.Labels).toMatchObject({
      'zapie.id': svc.name,
      'zapie.managed': 'true',
      'zapie.service': 'busybox',
      'zapie.template': 'basic',
    })
    expect(inspected.Config.Env).toEqual(expect.arrayContaining(['APP_MODE=production', 'DB_PASSWORD=hunter2']))
    expect(inspected.HostConfig).toMatchObject({
      RestartPolicy: { Name: 'unless-stopped' },
      Memory: 64 * 1024 * 1024,
      NetworkMode: 'none',
    })
    expect(inspected.State.Running).toBe(true)
    const [mount] = await mountsOf(svc.name)
    expect(mount).toMatchObject({ Destination: '/data', Name: restore.volumes[0].volume })
    expect(restore.volumes[0]).toMatchObject({ previousVolume: svc.volume, previousVolumeRemoved: true })
    expect(await volumeExists(svc.volume)).toBe(false)
    // The service is still reachable by its stable id, and its backups with it.
    const list = await (await api(`/api/services/${svc.name}/backups`)).json()
    expect(list.backups.map((b: { id: string }) => b.id)).toEqual([backup.id])
  })

  it('answers 202 at once, reports progress as backup-progress events, and refuses a second job with 409', async () => {
    const volume = await createTestVolume()
    await inVolume(volume, 'dd if=/dev/urandom of=/data/big bs=1M count=48 2>/dev/null')
    const svc = await createTestContainer({ volume: { name: volume, path: '/data' } })
    const phases: string[] = []
    const ac = new AbortController()
    const done = (async () => {
      for await (const item of ctx.host.hub.subscribe({
        signal: ac.signal,
        filter: { types: ['backup-progress'], services: [svc.name] },
      })) {
        if (item.kind !== 'event') continue
        phases.push(String(item.event.data.phase))
        if (item.event.data.phase === 'done' || item.event.data.phase === 'failed') return item.event.data
      }
    })()
    const res = await api(`/api/services/${svc.name}/backups`, json({ name: 'async one', consistency: 'live' }))
    expect(res.status).toBe(202)
    const { backupId } = await res.json()
    expect(backupId).toMatch(/^bk_/)
    const second = await api(`/api/services/${svc.name}/backups`, json({ name: 'second' }))
    expect(second.status).toBe(409)
    expect(await second.json()).toMatchObject({ code: 'operation_in_progress' })
    const last = await done
    ac.abort()
    expect(last).toMatchObject({ backupId, serviceId: svc.name, containerId: svc.id, phase: 'done', percent: 100 })
    expect(phases[0]).toBe('preparing')
    expect(phases).toContain('reading')
    const { backups } = await (await api(`/api/services/${svc.name}/backups`)).json()
    expect(backups).toEqual([
      expect.objectContaining({ id: backupId, name: 'async one', consistency: 'live', status: 'ok' }),
    ])
  })

  it('lists newest first and reports storage from the real filesystem', async () => {
    const svc = await seededService()
    const first = await backupOf(svc.name, { name: 'one' })
    const second = await backupOf(svc.name, { name: 'two', consistency: 'live' })
    const res = await api(`/api/services/${svc.name}/backups`)
    expect(res.status).toBe(200)
    const body = await res.json()
    expect(body.backups.map((b: { id: string }) => b.id)).toEqual([second.id, first.id])
    for (const key of ['id', 'name', 'created_at', 'size', 'sha256', 'consistency', 'volumes', 'status'])
      expect(body.backups[0]).toHaveProperty(key)
    const { storage } = await (await api(`/api/services/${svc.name}/storage`)).json()
    expect(storage.service).toEqual({ bytes: first.size + second.size, count: 2 })
    expect(storage.filesystem.total).toBeGreaterThan(storage.filesystem.free)
    expect(storage.filesystem.free).toBeGreaterThan(0)
  })

  it('stop consistency stops the service for the read and starts it again; live never touches it', async () => {
    const svc = await seededService()
    const startedAt = () => dockerCli('inspect', '--format', '{{.State.StartedAt}}', svc.name)
    const t0 = await startedAt()
    await backupOf(svc.name, { consistency: 'live' })
    expect(await startedAt()).toBe(t0)
    await backupOf(svc.name, { consistency: 'stop' })
    expect(await startedAt()).not.toBe(t0)
    expect(await dockerCli('inspect', '--format', '{{.State.Status}}', svc.name)).toBe('running')
  })

  it('refuses a corrupted archive (one flipped byte) and leaves the service untouched', async () => {
    const svc = await seededService()
    const backup = await backupOf(svc.name)
    await dockerCli('exec', svc.name, 'sh', '-c', 'echo after-backup > /data/a.txt')
    const before = await fingerprint(svc.name)
    const file = archivePath(svc.name, backup.id)
    const bytes = readFileSync(file)
    const at = Math.floor(bytes.length / 2)
    bytes[at] = bytes[at]! ^ 0x01
    writeFileSync(file, bytes)

    const res = await api(`/api/services/${svc.name}/backups/${backup.id}/restore`, { method: 'POST' })
    expect(res.status).toBe(422)
    expect(await res.json()).toMatchObject({ code: 'checksum_mismatch' })
    expect(await dockerCli('inspect', '--format', '{{.Id}} {{.State.Status}}', svc.name)).toBe(`${svc.id} running`)
    expect(await fingerprint(svc.name)).toBe(before)
    expect((await mountsOf(svc.name))[0]!.Name).toBe(svc.volume)
    expect(await dockerCli('volume', 'ls', '-q', '--filter', `label=zapie.restored-from=${backup.id}`)).toBe('')
  })

  it('rolls back a restore whose new container does not stay up: old container, old data, old volume', async () => {
    // The service needs /data/ready to run; the backup is taken before that file exists.
    const volume = await createTestVolume()
    await inVolume(volume, 'echo v1 > /data/state')
    const svc = await createTestContainer({
      start: false,
      volume: { name: volume, path: '/data' },
      cmd: ['sh', '-c', 'test -f /data/ready || exit 3; trap "exit 0" TERM; sleep 3600 & wait'],
    })
    const backup = await backupOf(svc.name)
    await inVolume(volume, 'touch /data/ready && echo v2 > /data/state')
    await dockerCli('start', svc.name)
    const before = await fingerprint(svc.name)

    const res = await api(`/api/services/${svc.name}/backups/${backup.id}/restore`, { method: 'POST' })
    expect(res.status).toBe(409)
    expect(await res.json()).toMatchObject({ code: 'restore_start_failed' })
    expect(await dockerCli('inspect', '--format', '{{.Id}} {{.Name}} {{.State.Status}}', svc.name)).toBe(
      `${svc.id} /${svc.name} running`,
    )
    expect(await fingerprint(svc.name)).toBe(before)
    expect((await mountsOf(svc.name))[0]!.Name).toBe(volume)
    // Nothing of the attempt is left: no parked container, no helper, no fresh volume, no marker.
    expect(await dockerCli('ps', '-a', '-q', '--filter', `name=${svc.name}-pre-restore`)).toBe('')
    expect(await dockerCli('ps', '-a', '-q', '--filter', `label=zapie.restore-helper=${backup.id}`)).toBe('')
    expect(await dockerCli('volume', 'ls', '-q', '--filter', `label=zapie.restored-from=${backup.id}`)).toBe('')
    expect(existsSync(join(dataDir, 'backups', '.intents', `${backup.id}.json`))).toBe(false)
  })

  it('streams a download with its SHA-256, length and file name, and serves ranges', async () => {
    const svc = await seededService()
    const backup = await backupOf(svc.name)
    const res = await api(`/api/services/${svc.name}/backups/${backup.id}/download`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-length')).toBe(String(backup.size))
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="backup-${svc.name}-${backup.id}.tar.gz"`)
    expect(res.headers.get('x-checksum-sha256')).toBe(backup.sha256)
    const body = Buffer.from(await res.arrayBuffer())
    expect(body.length).toBe(backup.size)
    expect(createHash('sha256').update(body).digest('hex')).toBe(backup.sha256)
    // A plain .tar.gz for any tool: host tar lists the volume tree and the manifest.
    const saved = join(dataDir, 'downloaded.tar.gz')
    writeFileSync(saved, body)
    const listing = (await run('tar', ['-tzf', saved])).stdout.split('\n')
    rmSync(saved)
    expect(listing).toEqual(
      expect.arrayContaining(['volumes/0/', 'volumes/0/a.txt', 'volumes/0/sub/random.bin', 'manifest.json']),
    )
    expect(listing.filter(Boolean).at(-1)).toBe('manifest.json')

    const part = await api(`/api/services/${svc.name}/backups/${backup.id}/download`, {
      headers: { range: 'bytes=100-1123' },
    })
    expect(part.status).toBe(206)
    expect(part.headers.get('content-range')).toBe(`bytes 100-1123/${backup.size}`)
    expect(Buffer.from(await part.arrayBuffer()).equals(body.subarray(100, 1124))).toBe(true)
    const tail = await api(`/api/services/${svc.name}/backups/${backup.id}/download`, {
      headers: { range: 'bytes=-10' },
    })
    expect(Buffer.from(await tail.arrayBuffer()).equals(body.subarray(body.length - 10))).toBe(true)

    const beyond = await api(`/api/services/${svc.name}/backups/${backup.id}/download`, {
      headers: { range: `bytes=${backup.size}-` },
    })
    expect(beyond.status).toBe(416)
    expect(beyond.headers.get('content-range')).toBe(`bytes */${backup.size}`)
    expect(await beyond.json()).toMatchObject({ success: false, code: 'range_not_satisfiable' })
    // Nothing is staged on disk for a download.
    expect(readdirSync(join(dataDir, 'backups', svc.name))).toEqual([`${backup.id}.tar.gz`])
  })

  it('uploads an archive from another service and restores it there; refuses a bad checksum and a non-archive', async () => {
    const source = await seededService()
    const backup = await backupOf(source.name)
    const archive = Buffer.from(
      await (await api(`/api/services/${source.name}/backups/${backup.id}/download`)).arrayBuffer(),
    )
    const targetVolume = await createTestVolume()
    await inVolume(targetVolume, 'echo other > /data/other.txt')
    const target = await createTestContainer({ volume: { name: targetVolume, path: '/data' } })
    const upload = (body: Buffer, headers: Record<string, string> = {}, query = '') =>
      api(`/api/services/${target.name}/backups/upload${query}`, {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream', ...headers },
        body: new Uint8Array(body),
      })

    const wrong = await upload(archive, { 'x-checksum-sha256': 'a'.repeat(64) })
    expect(wrong.status).toBe(422)
    expect(await wrong.json()).toMatchObject({ code: 'checksum_mismatch' })
    const junk = await upload(Buffer.from('this is not a backup archive at all'))
    expect(junk.status).toBe(422)
    expect(await junk.json()).toMatchObject({ code: 'invalid_backup_archive' })
    expect((await (await api(`/api/services/${target.name}/backups`)).json()).backups).toEqual([])
    expect(readdirSync(join(dataDir, 'backups', target.name))).toEqual([])

    const res = await upload(archive, { 'x-checksum-sha256': backup.sha256 }, '?name=brought%20over')
    expect(res.status, await res.clone().text()).toBe(201)
    const body = await res.json()
    expect(body.backup).toMatchObject({
      name: 'brought over',
      origin: 'upload',
      sha256: backup.sha256,
      size: backup.size,
      status: 'ok',
      source: { backupId: backup.id, serviceId: source.name },
    })
    expect(body.restore).toMatchObject({ backupId: body.backup.id, serviceId: target.name, started: true })
    expect(await fingerprint(target.name)).toBe(await fingerprint(source.name))
  })

  it('deletes archive and record; an unknown id is a 404', async () => {
    const svc = await seededService()
    const backup = await backupOf(svc.name)
    const res = await api(`/api/services/${svc.name}/backups/${backup.id}`, { method: 'DELETE' })
    expect(res.status).toBe(200)
    expect(existsSync(archivePath(svc.name, backup.id))).toBe(false)
    expect((await (await api(`/api/services/${svc.name}/backups`)).json()).backups).toEqual([])
    expect((await api(`/api/services/${svc.name}/backups/${backup.id}`, { method: 'DELETE' })).status).toBe(404)
    expect((await api(`/api/services/${svc.name}/backups/${backup.id}/restore`, { method: 'POST' })).status).toBe(404)
    expect((await api(`/api/services/${svc.name}/backups/${backup.id}/download`)).status).toBe(404)
  })

  it('never lets an id reach outside the backup directory: traversal is 400, a foreign backup 404', async () => {
    const svc = await seededService()
    const backup = await backupOf(svc.name)
    const other = await seededService()
    const canary = join(dataDir, 'canary.txt')
    writeFileSync(canary, 'still here')
    const bad = [
      '..%2F..%2Fsrc',
      '%2e%2e%2f%2e%2e%2f',
      '..',
      'bk_..%2F..%2Fx',
      `bk_${'a'.repeat(300)}`,
      '%2Fetc%2Fpasswd',
      `${backup.id}%00`,
    ]
    for (const id of bad) {
      for (const [method, path] of [
        ['DELETE', `/api/services/${svc.name}/backups/${id}`],
        ['POST', `/api/services/${svc.name}/backups/${id}/restore`],
        ['GET', `/api/services/${svc.name}/backups/${id}/download`],
      ] as const) {
        const res = await api(path, { method })
        expect([400, 404], `${method} ${path} → ${res.status}`).toContain(res.status)
      }
    }
    for (const ref of ['..%2F..%2Fsrc', '%2e%2e%2f', 'x'.repeat(300)]) {
      for (const [method, path] of [
        ['GET', `/api/services/${ref}/backups`],
        ['POST', `/api/services/${ref}/backups`],
        ['GET', `/api/services/${ref}/storage`],
        ['GET', `/api/services/${ref}/backups/schedule`],
        ['POST', `/api/services/${ref}/backups/upload`],
        ['DELETE', `/api/services/${ref}/backups/${backup.id}`],
      ] as const) {
        const res = await api(path, { method })
        expect(res.status, `${method} ${path}`).toBe(400)
      }
    }
    // A stable id is a label whoever created the container chose: one that could escape is refused.
    const evil = await seededService({ labels: { 'zapie.id': '../../escape' } })
    expect((await api(`/api/services/${evil.name}/backups?wait=true`, json({ name: 'x' }))).status).toBe(422)
    expect((await api(`/api/services/${evil.name}/backups`)).status).toBe(422)
    expect(existsSync(join(dataDir, 'escape'))).toBe(false)
    // Another service's backup id is not this service's backup.
    expect((await api(`/api/services/${other.name}/backups/${backup.id}`, { method: 'DELETE' })).status).toBe(404)
    expect((await api(`/api/services/${other.name}/backups/${backup.id}/download`)).status).toBe(404)
    expect(readFileSync(canary, 'utf8')).toBe('still here')
    expect(existsSync(archivePath(svc.name, backup.id))).toBe(true)
    expect(existsSync(join(process.cwd(), 'src', 'app.ts'))).toBe(true)
    expect(await dockerCli('inspect', '--format', '{{.State.Status}}', svc.name)).toBe('running')
  })

  it('keeps a schedule with its retention policy; refuses a bad cron; removes it', async () => {
    const svc = await seededService()
    const put = (body: unknown) => api(`/api/services/${svc.name}/backups/schedule`, { ...json(body), method: 'PUT' })
    expect((await put({ cron: 'every day at noon' })).status).toBe(400)
    expect((await put({ cron: '* * * * * *' })).status).toBe(400)
    const res = await put({ cron: '0 3 * * *', keepLast: 3, maxAgeDays: 30 })
    expect(res.status).toBe(200)
    const { schedule } = await res.json()
    expect(schedule).toMatchObject({
      serviceId: svc.name,
      cron: '0 3 * * *',
      enabled: true,
      consistency: 'pause',
      keepLast: 3,
      maxAgeDays: 30,
      missing: false,
    })
    expect(new Date(schedule.nextRun).getUTCHours()).toBe(3)
    expect((await (await api(`/api/services/${svc.name}/backups/schedule`)).json()).schedule).toMatchObject({
      cron: '0 3 * * *',
    })

    // Retention follows every successful backup: keepLast 3 leaves the three newest.
    const made = []
    for (let i = 0; i < 4; i++) made.push((await backupOf(svc.name, { name: `b${i}`, consistency: 'live' })).id)
    const { backups } = await (await api(`/api/services/${svc.name}/backups`)).json()
    expect(backups.map((b: { id: string }) => b.id)).toEqual(made.slice(1).reverse())
    expect(existsSync(archivePath(svc.name, made[0]!))).toBe(false)

    expect((await api(`/api/services/${svc.name}/backups/schedule`, { method: 'DELETE' })).status).toBe(200)
    expect((await (await api(`/api/services/${svc.name}/backups/schedule`)).json()).schedule).toBeNull()
    expect((await api(`/api/services/${svc.name}/backups/schedule`, { method: 'DELETE' })).status).toBe(404)
  })

  it('answers 422 for a service without data volumes and 404 for an unknown service', async () => {
    const bare = await createTestContainer()
    const res = await api(`/api/services/${bare.name}/backups`, json({ name: 'nothing to save' }))
    expect(res.status).toBe(422)
    expect((await api('/api/services/zapie-ghost-service/backups', json({ name: 'x' }))).status).toBe(404)
    expect((await api('/api/services/zapie-ghost-service/backups')).status).toBe(404)
  })
})
