import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, openSync, readSync, rmSync, writeSync, closeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { auth } from '../helpers/app'
import {
  cleanupTestResources,
  createTestContainer,
  createTestVolume,
  DEPLOY_RUN_LABEL,
  dockerCli,
  RUN_ID,
  TEST_IMAGE,
} from '../helpers/docker'
import { AGENT_MODES, appWithRealAgent } from '../helpers/real-agent'

afterAll(cleanupTestResources)

const dirs: string[] = []
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

const PREFERRED_PORT = 20000 + Math.floor(Math.random() * 20000)

/** A busybox service with a data volume, a generated secret and a healthcheck (as deploy.test.ts). */
const busyboxTemplate = (name: string) => ({
  name,
  image: TEST_IMAGE,
  category: 'web',
  networkMode: 'none',
  ports: [{ container: 80, host: PREFERRED_PORT }],
  command: [
    'sh',
    '-c',
    'mkdir -p /www && echo ok > /www/index.html && httpd -p 80 -h /www; trap "exit 0" TERM; sleep 3600 & wait',
  ],
  env: [
    { name: 'GREETING', default: 'hello' },
    { name: 'APP_SECRET', secret: true, generate: 'password' },
  ],
  volumes: [{ container: '/srv/data' }],
  healthcheck: {
    test: ['CMD-SHELL', 'wget -q -O /dev/null http://127.0.0.1:80/'],
    interval: '1s',
    timeout: '2s',
    retries: 5,
  },
  labels: { [DEPLOY_RUN_LABEL]: RUN_ID },
  tiers: { basic: { memory: '64m', cpus: 0.25 } },
})

const inspect = async (name: string) => JSON.parse(await dockerCli('inspect', name))[0]
const envOf = async (name: string) =>
  Object.fromEntries(
    ((await inspect(name)).Config.Env as string[]).map((e) => [
      e.slice(0, e.indexOf('=')),
      e.slice(e.indexOf('=') + 1),
    ]),
  )
const DATA_SUM = 'cd /srv/data && find . -type f -exec sha256sum {} + | sort'

describe.each(AGENT_MODES)('backups of deleted services against the real engine [%s agent]', (mode) => {
  let ctx: Awaited<ReturnType<typeof appWithRealAgent>>
  let dataDir: string
  const slug = `orph-${mode === 'http' ? 'http' : 'ip'}-${RUN_ID}`
  const api = (path: string, init: RequestInit = {}) =>
    ctx.app.request(path, { ...init, headers: { ...auth, ...(init.headers as Record<string, string>) } })
  const json = (method: string, body: unknown): RequestInit => ({
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  const backupOf = async (service: string) => {
    const res = await api(`/api/services/${service}/backups?wait=true`, json('POST', { name: 'before delete' }))
    expect(res.status, await res.clone().text()).toBe(201)
    return (await res.json()).backup as { id: string; sha256: string; size: number; serviceId: string }
  }
  const archivePath = (serviceId: string, backupId: string) => join(dataDir, 'backups', serviceId, `${backupId}.tar.gz`)
  const scheduler = () => ctx.host.backups.scheduler
  const stores = () => ctx.host.context.stores

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'zapie-orphans-'))
    dirs.push(dataDir)
    ctx = await appWithRealAgent(mode, { dataDir })
    const res = await api('/api/templates', json('POST', busyboxTemplate(slug)))
    expect(res.status, await res.clone().text()).toBe(201)
  })
  afterAll(async () => {
    await ctx.close()
    await cleanupTestResources()
  })

  it('backs up, deletes the service with its data, lists the backup and restores it into a new service before its first start', async () => {
    const deployed = await api(
      '/api/deploy?wait=true',
      json('POST', { serviceType: slug, serviceName: 'flows', tier: 'basic' }),
    )
    expect(deployed.status, await deployed.clone().text()).toBe(201)
    const { containerName: old } = await deployed.json()
    await dockerCli(
      'exec',
      old,
      'sh',
      '-c',
      'echo "precious data" > /srv/data/notes.txt && dd if=/dev/urandom of=/srv/data/blob bs=1024 count=256 2>/dev/null',
    )
    const before = await dockerCli('exec', old, 'sh', '-c', DATA_SUM)
    const oldSecret = (await envOf(old)).APP_SECRET
    const backup = await backupOf(old)

    const removed = await api(`/api/services/${old}?keepData=false`, { method: 'DELETE' })
    expect(removed.status).toBe(200)
    expect(await removed.json()).toMatchObject({ backupsKept: [backup.id], backupsDeleted: [] })
    // The old routes need the service: they cannot reach these backups any more.
    expect((await api(`/api/services/${old}/backups`)).status).toBe(404)

    const listed = await (await api('/api/backups')).json()
    const entry = listed.backups.find((b: { id: string }) => b.id === backup.id)
    expect(entry).toMatchObject({
      serviceId: old,
      serviceExists: false,
      template: slug,
      templateId: expect.any(String),
      tier: 'basic',
      status: 'ok',
    })
    expect(JSON.stringify(listed)).not.toContain(oldSecret)
    const filtered = await (await api(`/api/backups?serviceId=${old}`)).json()
    expect(filtered.backups.map((b: { id: string }) => b.id)).toEqual([backup.id])

    const res = await api(`/api/backups/${backup.id}/restore`, json('POST', { serviceName: 'flows-reborn' }))
    expect(res.status, await res.clone().text()).toBe(201)
    const restored = await res.json()
    expect(restored).toMatchObject({
      backupId: backup.id,
      sourceServiceId: old,
      displayName: 'flows-reborn',
      serviceName: restored.containerName,
      envFromBackup: expect.arrayContaining(['APP_SECRET']),
    })
    // The secret came from the backup (the data was written with it): nothing new to show.
    expect(restored.generatedSecrets).toEqual({})
    expect(JSON.stringify(restored)).not.toContain(oldSecret)
    expect(restored.deployment.steps.map((s: { step: string }) => s.step)).toEqual([
      'accepted',
      'volume',
      'port',
      'image',
      'restore',
      'create',
      'start',
      'ready',
      'done',
    ])

    const fresh = restored.containerName as string
    expect(fresh).not.toBe(old)
    const inspected = await inspect(fresh)
    expect(inspected.State.Running).toBe(true)
    // Restored before the first start: the container has never been restarted onto its data.
    expect(inspected.RestartCount).toBe(0)
    expect(inspected.Config.Labels).toMatchObject({ 'zapie.managed': 'true', 'zapie.id': fresh, 'zapie.service': slug })
    expect((await envOf(fresh)).APP_SECRET).toBe(oldSecret)
    expect(await dockerCli('exec', fresh, 'sh', '-c', DATA_SUM)).toBe(before)
    // No helper container is left behind.
    expect(
      await dockerCli('ps', '-a', '--filter', `label=zapie.restore-helper=${backup.id}`, '--format', '{{.Names}}'),
    ).toBe('')

    // The name is now taken.
    const again = await api(`/api/backups/${backup.id}/restore`, json('POST', { serviceName: 'flows-reborn' }))
    expect(again.status).toBe(409)
    expect((await again.json()).code).toBe('service_exists')
  })

  it('refuses a damaged archive before creating anything, and cleans up after a service that will not start', async () => {
    const deployed = await api(
      '/api/deploy?wait=true',
      json('POST', { serviceType: slug, serviceName: 'fragile', tier: 'basic' }),
    )
    expect(deployed.status, await deployed.clone().text()).toBe(201)
    const { containerName: old, templateId } = await deployed.json()
    const backup = await backupOf(old)
    await api(`/api/services/${old}?keepData=false`, { method: 'DELETE' })
    const leftovers = async (name: string) => [
      await dockerCli('ps', '-a', '--filter', `name=zapie-${slug}-${name}-`, '--format', '{{.Names}}'),
      await dockerCli('volume', 'ls', '--filter', `name=zapie-${slug}-${name}-`, '--format', '{{.Name}}'),
      await dockerCli('ps', '-a', '--filter', `label=zapie.restore-helper=${backup.id}`, '--format', '{{.Names}}'),
    ]

    // One byte flipped in the middle: same size, different SHA-256.
    const file = archivePath(old, backup.id)
    const fd = openSync(file, 'r+')
    const byte = Buffer.alloc(1)
    const at = Math.floor(backup.size / 2)
    readSync(fd, byte, 0, 1, at)
    writeSync(fd, Buffer.from([byte[0]! ^ 0xff]), 0, 1, at)
    const damaged = await api(`/api/backups/${backup.id}/restore`, json('POST', { serviceName: 'damaged' }))
    expect(damaged.status).toBe(422)
    expect((await damaged.json()).code).toBe('checksum_mismatch')
    expect(await leftovers('damaged')).toEqual(['', '', ''])

    // Put it right; now the template's service dies on start: a restore whose deploy fails
    // removes the container, the volumes and the helper it made.
    writeSync(fd, byte, 0, 1, at)
    closeSync(fd)
    expect(
      (await api(`/api/templates/${templateId}`, json('PUT', { command: ['sh', '-c', 'exit 3'], healthcheck: null })))
        .status,
    ).toBe(200)
    const dies = await api(`/api/backups/${backup.id}/restore`, json('POST', { serviceName: 'dies' }))
    expect(dies.status, await dies.clone().text()).not.toBe(201)
    const failed = await dies.json()
    expect(failed).toMatchObject({ success: false, deploymentId: expect.any(String) })
    const { deployment } = await (await api(`/api/deploy/${failed.deploymentId}`)).json()
    expect(deployment.steps.map((s: { step: string }) => s.step)).toEqual(
      expect.arrayContaining(['restore', 'create', 'cleanup', 'error']),
    )
    expect(await leftovers('dies')).toEqual(['', '', ''])
    // The backup is untouched and can still be restored once the template is fixed.
    expect((await (await api(`/api/backups?serviceId=${old}`)).json()).backups[0]).toMatchObject({
      id: backup.id,
      status: 'ok',
    })
    expect((await api(`/api/templates/${templateId}`, json('PUT', busyboxTemplate(slug)))).status).toBe(200)
  })

  it('downloads and deletes a backup by its id alone once its service is gone', async () => {
    const volume = await createTestVolume()
    const svc = await createTestContainer({ volume: { name: volume, path: '/data' } })
    await dockerCli('exec', svc.name, 'sh', '-c', 'echo hi > /data/f')
    const backup = await backupOf(svc.name)
    await dockerCli('rm', '-f', svc.name)

    const download = await api(`/api/backups/${backup.id}/download`)
    expect(download.status).toBe(200)
    const bytes = Buffer.from(await download.arrayBuffer())
    expect(bytes.length).toBe(backup.size)
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(backup.sha256)
    const partial = await api(`/api/backups/${backup.id}/download`, { headers: { range: 'bytes=0-9' } })
    expect(partial.status).toBe(206)
    expect((await partial.arrayBuffer()).byteLength).toBe(10)

    expect(existsSync(archivePath(svc.name, backup.id))).toBe(true)
    const deleted = await api(`/api/backups/${backup.id}`, { method: 'DELETE' })
    expect(deleted.status).toBe(200)
    expect(existsSync(archivePath(svc.name, backup.id))).toBe(false)
    expect(await stores().backups.get(svc.name, backup.id)).toBeNull()
    expect((await api(`/api/backups/${backup.id}`, { method: 'DELETE' })).status).toBe(404)
    expect((await api(`/api/backups/${backup.id}/download`)).status).toBe(404)
  })

  it('deleting a service removes its schedule and monitor settings; deleteBackups=true removes its archives and records', async () => {
    const services = await Promise.all(
      [0, 1].map(async () => {
        const volume = await createTestVolume()
        return createTestContainer({ volume: { name: volume, path: '/data' } })
      }),
    )
    const backups: Record<string, string> = {}
    for (const svc of services) {
      expect((await api(`/api/services/${svc.name}/backups/schedule`, json('PUT', { cron: '0 3 * * *' }))).status).toBe(
        200,
      )
      expect((await api(`/api/services/${svc.name}/monitoring/start`, json('POST', { interval: 5000 }))).status).toBe(
        200,
      )
      backups[svc.name] = (await backupOf(svc.name)).id
      expect(scheduler().scheduled()).toContain(svc.name)
    }
    const [kept, purged] = services as [(typeof services)[0], (typeof services)[0]]

    expect((await api(`/api/services/${kept.name}`, { method: 'DELETE' })).status).toBe(200)
    const purge = await api(`/api/services/${purged.name}?deleteBackups=true`, { method: 'DELETE' })
    expect(purge.status).toBe(200)
    expect(await purge.json()).toMatchObject({
      scheduleRemoved: true,
      backupsDeleted: [backups[purged.name]],
      backupsKept: [],
    })

    for (const svc of services) {
      expect(scheduler().scheduled()).not.toContain(svc.name)
      expect(await stores().backupSchedules.get(svc.name)).toBeNull()
      expect((await stores().monitorSettings.all()).records.has(svc.name)).toBe(false)
    }
    const all = (await (await api('/api/backups')).json()).backups.map((b: { id: string }) => b.id)
    expect(all).toContain(backups[kept.name])
    expect(all).not.toContain(backups[purged.name])
    expect(existsSync(archivePath(kept.name, backups[kept.name]!))).toBe(true)
    expect(existsSync(archivePath(purged.name, backups[purged.name]!))).toBe(false)
    expect(await stores().backups.get(purged.name, backups[purged.name]!)).toBeNull()
  })

  it('disables, with exactly one alert, a schedule whose container was removed with the docker CLI', async () => {
    const volume = await createTestVolume()
    const svc = await createTestContainer({ volume: { name: volume, path: '/data' } })
    expect((await api(`/api/services/${svc.name}/backups/schedule`, json('PUT', { cron: '* * * * *' }))).status).toBe(
      200,
    )
    const alerts: Record<string, unknown>[] = []
    const listening = new AbortController()
    void (async () => {
      for await (const item of ctx.host.hub.subscribe({
        signal: listening.signal,
        filter: { types: ['health-alert'], services: [svc.name] },
      })) {
        if (item.kind === 'event') alerts.push(item.event.data)
      }
    })().catch(() => {})
    await dockerCli('rm', '-f', svc.name)

    // Every minute's run and check, several times over: what used to fail and flap.
    for (let i = 0; i < 3; i++) {
      await scheduler().runNow(svc.name)
      await scheduler().checkAll()
    }
    await new Promise((r) => setTimeout(r, 200))
    listening.abort()

    const schedule = await stores().backupSchedules.get(svc.name)
    expect(schedule).toMatchObject({
      enabled: false,
      disabledReason: 'service_gone',
      lastError: expect.stringContaining('no longer exists'),
    })
    expect(scheduler().scheduled()).not.toContain(svc.name)
    const backupAlerts = alerts.filter((a) => a.rule === 'backup_missing')
    expect(backupAlerts.filter((a) => a.state === 'firing')).toHaveLength(1)
    expect(backupAlerts.filter((a) => a.state === 'resolved')).toHaveLength(0)
    expect(String(backupAlerts[0]!.message)).toContain('no longer exists')
  })
})
