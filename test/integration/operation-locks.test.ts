import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startHostAgent } from '../../src/agent/host'
import { loadConfig } from '../../src/config'
import { silentLogger } from '../../src/logger'
import { createStores } from '../../storage'
import { auth } from '../helpers/app'
import {
  cleanupTestResources,
  createTestContainer,
  createTestVolume,
  DEPLOY_RUN_LABEL,
  docker,
  dockerCli,
  inVolume,
  RUN_ID,
  TEST_IMAGE,
  volumeExists,
} from '../helpers/docker'
import { AGENT_MODES, appWithRealAgent } from '../helpers/real-agent'

afterAll(cleanupTestResources)

const dirs: string[] = []
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

/** A busybox service with a data volume (as backup-orphans.test.ts), for restores into a new service. */
const busyboxTemplate = (name: string) => ({
  name,
  image: TEST_IMAGE,
  category: 'web',
  networkMode: 'none',
  command: ['sh', '-c', 'trap "exit 0" TERM; sleep 3600 & wait'],
  volumes: [{ container: '/srv/data' }],
  labels: { [DEPLOY_RUN_LABEL]: RUN_ID },
  tiers: { basic: { memory: '64m', cpus: 0.25 } },
})

const inspect = async (name: string) => JSON.parse(await dockerCli('inspect', name))[0]

describe.each(AGENT_MODES)('operation locks against the real engine [%s agent]', (mode) => {
  let ctx: Awaited<ReturnType<typeof appWithRealAgent>>
  const slug = `lock-${mode === 'http' ? 'http' : 'ip'}-${RUN_ID}`
  const api = (path: string, init: RequestInit = {}) =>
    ctx.app.request(path, { ...init, headers: { ...auth, ...(init.headers as Record<string, string>) } })
  const json = (method: string, body: unknown): RequestInit => ({
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  const backupOf = async (service: string) => {
    const res = await api(`/api/services/${service}/backups?wait=true`, json('POST', { name: 'before' }))
    expect(res.status, await res.clone().text()).toBe(201)
    return (await res.json()).backup as { id: string }
  }

  /** Resolves with the first backup-progress event of `operation` on `serviceId` at `phase`. */
  function whenPhase(serviceId: string, operation: string, phase: string) {
    const ac = new AbortController()
    const seen = (async () => {
      for await (const item of ctx.host.hub.subscribe({
        signal: ac.signal,
        filter: { types: ['backup-progress'], services: [serviceId] },
      })) {
        if (item.kind !== 'event') continue
        const { data } = item.event
        if (data.operation === operation && data.phase === phase) return data
        if (data.operation === operation && (data.phase === 'done' || data.phase === 'failed'))
          throw new Error(`${operation} ended (${data.phase}) before ${phase}`)
      }
    })()
    return seen.finally(() => ac.abort())
  }

  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'zapie-locks-'))
    dirs.push(dataDir)
    // A restored service must keep running 5 s before the restore counts as done: the window
    // in which the other requests arrive, long enough on a busy machine.
    ctx = await appWithRealAgent(mode, { dataDir, backups: { restoreSettleMs: 5000 } })
    const res = await api('/api/templates', json('POST', busyboxTemplate(slug)))
    expect(res.status, await res.clone().text()).toBe(201)
  })
  afterAll(async () => ctx.close())

  it('refuses DELETE and stop of a service under restore with 409; the restore finishes with its data; then DELETE works', async () => {
    const volume = await createTestVolume()
    await inVolume(volume, 'echo precious > /data/notes.txt')
    const svc = await createTestContainer({ volume: { name: volume, path: '/data' } })
    const backup = await backupOf(svc.name)
    await dockerCli('exec', svc.name, 'sh', '-c', 'echo changed > /data/notes.txt')

    const starting = whenPhase(svc.name, 'restore', 'starting')
    const restoring = api(`/api/services/${svc.name}/backups/${backup.id}/restore`, { method: 'POST' })
    await starting

    const deleted = await api(`/api/services/${svc.name}`, { method: 'DELETE' })
    const body = await deleted.json()
    expect(deleted.status, JSON.stringify(body)).toBe(409)
    expect(body).toMatchObject({
      success: false,
      code: 'operation_in_progress',
      details: [{ operation: 'restore', serviceId: svc.name, since: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) }],
    })
    expect(body.error).toMatch(
      new RegExp(
        `Service '${svc.name}' is being restored \\(since \\d\\d:\\d\\d:\\d\\d UTC\\); try again when it finishes`,
      ),
    )

    const stopped = await api(`/api/services/${svc.name}/stop`, { method: 'POST' })
    expect(stopped.status).toBe(409)
    expect((await stopped.json()).code).toBe('operation_in_progress')

    // Nothing was undone: the restore completed, the service runs on the restored data.
    const restored = await restoring
    expect(restored.status, await restored.clone().text()).toBe(200)
    const after = await inspect(svc.name)
    expect(after.State.Running).toBe(true)
    expect(await dockerCli('exec', svc.name, 'cat', '/data/notes.txt')).toBe('precious')
    const dataVolume = (after.Mounts as { Name: string; Destination: string }[]).find(
      (m) => m.Destination === '/data',
    )!.Name

    // Once it is done the service is free again; the delete keeps its (restored) volume.
    const removed = await api(`/api/services/${svc.name}`, { method: 'DELETE' })
    expect(removed.status, await removed.clone().text()).toBe(200)
    expect((await removed.json()).volumesKept).toEqual([dataVolume])
    expect(await volumeExists(dataVolume)).toBe(true)
    await dockerCli('volume', 'rm', dataVolume)
  })

  it('a bulk restart including a service under restore answers 207: that item 409, the others restarted', async () => {
    const volume = await createTestVolume()
    await inVolume(volume, 'echo precious > /data/notes.txt')
    const svc = await createTestContainer({ volume: { name: volume, path: '/data' } })
    const others = [await createTestContainer(), await createTestContainer()]
    const backup = await backupOf(svc.name)
    const starting = whenPhase(svc.name, 'restore', 'starting')
    const restoring = api(`/api/services/${svc.name}/backups/${backup.id}/restore`, { method: 'POST' })
    await starting

    const bulk = await api(
      '/api/services/bulk/restart',
      json('POST', { serviceIds: [svc.name, ...others.map((o) => o.name)] }),
    )
    const result = await bulk.json()
    expect(bulk.status, JSON.stringify(result)).toBe(207)
    const byId = Object.fromEntries(result.items.map((i: { serviceId: string }) => [i.serviceId, i]))
    expect(byId[svc.name]).toMatchObject({ success: false, status: 409, code: 'operation_in_progress' })
    expect(byId[svc.name].error).toMatch(/is being restored/)
    for (const o of others)
      expect(byId[o.name]).toMatchObject({ success: true, status: 200, result: { state: 'running' } })
    expect(result.results).toMatchObject({ success: 2, failed: 1 })

    const restored = await restoring
    expect(restored.status, await restored.clone().text()).toBe(200)
    expect((await inspect(svc.name)).State.Running).toBe(true)
    expect(await dockerCli('exec', svc.name, 'cat', '/data/notes.txt')).toBe('precious')
  })

  it('refuses stop while a backup runs with 409 naming the backup; the backup finishes and the service keeps running', async () => {
    const volume = await createTestVolume()
    await inVolume(volume, 'dd if=/dev/urandom of=/data/big bs=1M count=48 2>/dev/null')
    const svc = await createTestContainer({ volume: { name: volume, path: '/data' } })
    const reading = whenPhase(svc.name, 'backup', 'reading')
    const done = whenPhase(svc.name, 'backup', 'done')
    const started = await api(
      `/api/services/${svc.name}/backups`,
      json('POST', { name: 'slow one', consistency: 'live' }),
    )
    expect(started.status, await started.clone().text()).toBe(202)
    const { backupId } = await started.json()
    await reading

    const stopped = await api(`/api/services/${svc.name}/stop`, { method: 'POST' })
    const body = await stopped.json()
    expect(stopped.status, JSON.stringify(body)).toBe(409)
    expect(body).toMatchObject({
      code: 'operation_in_progress',
      details: [{ operation: 'backup', serviceId: svc.name }],
    })
    expect(body.error).toMatch(/is being backed up/)

    await done
    expect((await inspect(svc.name)).State.Status).toBe('running')
    const list = await (await api(`/api/services/${svc.name}/backups`)).json()
    expect(list.backups.map((b: { id: string }) => b.id)).toEqual([backupId])
    // Free again once the backup is done.
    expect((await api(`/api/services/${svc.name}/stop`, { method: 'POST' })).status).toBe(200)
  })

  it('refuses DELETE of a service while it is being deployed; once the deploy is done the delete works and keeps its volume', async () => {
    const started = await api('/api/deploy', json('POST', { serviceType: slug, serviceName: 'fresh', tier: 'basic' }))
    expect(started.status, await started.clone().text()).toBe(202)
    const { containerName, deploymentId } = await started.json()
    const deleted = await api(`/api/services/${containerName}`, { method: 'DELETE' })
    const body = await deleted.json()
    expect(deleted.status, JSON.stringify(body)).toBe(409)
    expect(body).toMatchObject({
      code: 'operation_in_progress',
      details: [{ operation: 'deploy', serviceId: containerName }],
    })
    expect(body.error).toMatch(/is being deployed/)

    let status = 'in-progress'
    for (let i = 0; i < 200 && status === 'in-progress'; i++) {
      await new Promise((r) => setTimeout(r, 100))
      status = (await (await api(`/api/deploy/${deploymentId}`)).json()).deployment?.status ?? status
    }
    expect(status).toBe('succeeded')
    expect((await inspect(containerName)).State.Running).toBe(true)
    const removed = await api(`/api/services/${containerName}`, { method: 'DELETE' })
    expect(removed.status, await removed.clone().text()).toBe(200)
    const [kept] = (await removed.json()).volumesKept
    expect(await volumeExists(kept)).toBe(true)
    await dockerCli('volume', 'rm', kept)
  })

  it('of two restores into a new service with the same name, one creates it and the other is refused with 409', async () => {
    const deployed = await api(
      '/api/deploy?wait=true',
      json('POST', { serviceType: slug, serviceName: 'source', tier: 'basic' }),
    )
    expect(deployed.status, await deployed.clone().text()).toBe(201)
    const { containerName } = await deployed.json()
    const backup = await backupOf(containerName)

    const answers = await Promise.all(
      [1, 2].map(() => api(`/api/backups/${backup.id}/restore`, json('POST', { serviceName: 'twin' }))),
    )
    const bodies = await Promise.all(answers.map((a) => a.json()))
    expect(answers.map((a) => a.status).sort(), JSON.stringify(bodies)).toEqual([201, 409])
    const refused = bodies[answers.findIndex((a) => a.status === 409)]
    expect(['operation_in_progress', 'service_exists']).toContain(refused.code)
    const twins = await dockerCli('ps', '-a', '--filter', `name=zapie-${slug}-twin-`, '--format', '{{.Names}}')
    expect(twins.split('\n').filter(Boolean)).toHaveLength(1)
  })
})

describe('operation locks while crash recovery runs', () => {
  it('a DELETE sent as the agent starts waits until an interrupted restore is put back, then deletes the service and keeps its real volume', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'zapie-locks-recovery-'))
    dirs.push(dataDir)
    const volume = await createTestVolume()
    await inVolume(volume, 'echo precious > /data/notes.txt')
    const old = await createTestContainer({ volume: { name: volume, path: '/data' } })
    const fresh = await createTestVolume()
    // What a restore killed mid-swap leaves (as backup-crash.test.ts): the old container parked
    // under another name, the half-made one under the service's name on the fresh volume.
    const backupId = 'bk_mwxf0000_0badc0de'
    const parkedName = `${old.name}-pre-restore-abc123`
    await dockerCli('stop', '-t', '1', old.name)
    await dockerCli('rename', old.name, parkedName)
    const half = await createTestContainer({ name: old.name, volume: { name: fresh, path: '/data' } })
    mkdirSync(join(dataDir, 'backups', '.intents'), { recursive: true })
    writeFileSync(
      join(dataDir, 'backups', '.intents', `${backupId}.json`),
      JSON.stringify({
        kind: 'restore',
        backupId,
        serviceId: old.name,
        containerId: old.id,
        name: old.name,
        parkedName,
        wasRunning: true,
        wasPaused: false,
        freshVolumes: [fresh],
        newContainerId: half.id,
        at: new Date().toISOString(),
      }),
    )
    const config = loadConfig({ ZAPIE_STORAGE: 'memory', LOG_LEVEL: 'silent', ZAPIE_DATA_DIR: dataDir })
    const host = startHostAgent({ config, stores: await createStores(config), docker, logger: silentLogger })
    try {
      // Sent at once, as a request arriving the moment the agent listens would be.
      const removed = await host.client.removeService(old.name, { keepData: true })
      await host.ready
      // It deleted the service that recovery put back — the one on the user's data — and the
      // volume it reports kept is that data, still there.
      expect(removed.volumesKept).toEqual([volume])
      expect(await volumeExists(volume)).toBe(true)
      expect(await inVolume(volume, 'cat /data/notes.txt')).toBe('precious')
      expect(await dockerCli('ps', '-a', '-q', '--filter', `name=${old.name}`)).toBe('')
      expect(await volumeExists(fresh)).toBe(false)
    } finally {
      await host.close()
    }
  })
})
