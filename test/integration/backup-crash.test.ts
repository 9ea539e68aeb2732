import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { startHostAgent } from '../../src/agent/host'
import { loadConfig } from '../../src/config'
import { createEventHub } from '../../src/events/hub'
import { silentLogger } from '../../src/logger'
import { createNodeStores } from '../../src/node-stores'
import {
  cleanupTestResources,
  createTestContainer,
  createTestVolume,
  docker,
  dockerCli,
  inVolume,
  TEST_IMAGE,
  volumeExists,
} from '../helpers/docker'
import { openEventStream } from '../helpers/sse-client'
import { startAgent, TOKEN, until } from '../helpers/agent-child'

afterAll(cleanupTestResources)

const dirs: string[] = []
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

const state = (name: string) => dockerCli('inspect', '--format', '{{.State.Status}}', name)

describe('crash safety: the agent killed with SIGKILL in the middle of a backup', () => {
  it('leaves no partial backup, resumes the paused service, adopts orphaned archives and reports missing ones', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'zapie-crash-'))
    dirs.push(dataDir)
    const backupDir = join(dataDir, 'backups')

    const bigVolume = await createTestVolume()
    await inVolume(bigVolume, 'dd if=/dev/urandom of=/data/big bs=1M count=256 2>/dev/null')
    const big = await createTestContainer({ volume: { name: bigVolume, path: '/data' } })
    const smallVolume = await createTestVolume()
    const small = await createTestContainer({
      volume: { name: smallVolume, path: '/data' },
      cmd: ['sh', '-c', 'echo small > /data/file; trap "exit 0" TERM; sleep 3600 & wait'],
    })

    const first = startAgent(dataDir)
    const url = await first.url
    // Two finished backups of the small service: one will lose its record, one its archive.
    const orphan = (await first.rpc('createBackup', small.name, { name: 'orphan', consistency: 'live', wait: true }))
      .backup
    const lost = (await first.rpc('createBackup', small.name, { name: 'lost', consistency: 'live', wait: true })).backup

    const events = await openEventStream(`${url}/events?types=backup-progress&services=${big.name}`, {
      authorization: `Bearer ${TOKEN}`,
    })
    const job = await first.rpc('createBackup', big.name, { name: 'interrupted', consistency: 'pause', wait: false })
    await events.waitFor((e) => {
      const data = JSON.parse(e.data)
      return data.backupId === job.backupId && data.phase === 'reading' && data.bytes > 0
    }, 30_000)
    events.close()
    first.child.kill('SIGKILL')
    await first.exited

    // The kill left the service frozen, a partial archive and the intent marker behind.
    expect(await state(big.name)).toBe('paused')
    expect(readdirSync(join(backupDir, big.name))).toEqual([`${job.backupId}.partial`])
    expect(existsSync(join(backupDir, '.intents', `${job.backupId}.json`))).toBe(true)
    // Meanwhile one record and one archive go missing.
    rmSync(join(dataDir, 'store', 'backups', small.name, orphan.id))
    rmSync(join(backupDir, small.name, `${lost.id}.tar.gz`))

    const second = startAgent(dataDir)
    try {
      await second.url
      // Crash recovery runs at start: the service resumed and the partial archive removed.
      await until('the service to be resumed', async () => (await state(big.name)) === 'running')
      await until('the partial archive to be removed', async () => readdirSync(join(backupDir, big.name)).length === 0)
      expect(existsSync(join(backupDir, '.intents', `${job.backupId}.json`))).toBe(false)
      expect((await second.rpc('listBackups', big.name, {})).backups).toEqual([])

      const listing = await until('the orphaned archive to be adopted', async () => {
        const result = await second.rpc('listBackups', small.name, {})
        return result.backups.length === 2 ? result : undefined
      })
      const byId = Object.fromEntries(listing.backups.map((b: { id: string }) => [b.id, b]))
      expect(byId[orphan.id]).toMatchObject({
        origin: 'adopted',
        status: 'ok',
        name: 'orphan',
        sha256: orphan.sha256,
        size: orphan.size,
        volumes: orphan.volumes,
      })
      expect(byId[lost.id]).toMatchObject({ status: 'missing', name: 'lost' })

      // The lock of the killed job is gone with it: the service can be backed up again.
      const again = await second.rpc('createBackup', big.name, {
        name: 'after the crash',
        consistency: 'live',
        wait: true,
      })
      expect(again.backup).toMatchObject({ status: 'ok' })
    } finally {
      second.child.kill('SIGTERM')
      await second.exited
    }
  })
})

describe('crash safety: the agent killed in the middle of a restore', () => {
  it('puts the old container back under its name, running on its old volume, and drops the half-made one', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'zapie-crash-restore-'))
    dirs.push(dataDir)
    const volume = await createTestVolume()
    const old = await createTestContainer({ volume: { name: volume, path: '/data' } })
    const fresh = await createTestVolume()
    // The state a restore leaves when killed mid-swap: old container stopped and parked under
    // another name, the new one created and started under the service's name.
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
    const host = startHostAgent({ config, stores: await createNodeStores(config), docker, logger: silentLogger })
    try {
      await host.ready
      const info = await docker.getContainer(old.name).inspect()
      expect(info.Id).toBe(old.id)
      expect(info.State.Running).toBe(true)
      expect(info.Mounts[0]!.Name).toBe(volume)
      expect(
        await docker
          .getContainer(half.id)
          .inspect()
          .then(
            () => true,
            () => false,
          ),
      ).toBe(false)
      expect(await volumeExists(fresh)).toBe(false)
      expect(await volumeExists(volume)).toBe(true)
      expect(existsSync(join(dataDir, 'backups', '.intents', `${backupId}.json`))).toBe(false)
    } finally {
      await host.close()
    }
  })
})

describe('crash safety: the agent killed with SIGKILL while a restore is swapping the service', () => {
  it('leaves the service running on one complete data set, says which in an event and the record, and it stays running', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'zapie-crash-swap-'))
    dirs.push(dataDir)
    const volume = await createTestVolume()
    const seed = (marker: string) =>
      inVolume(
        volume,
        `rm -rf /data/* && echo ${marker} > /data/marker && dd if=/dev/urandom of=/data/blob bs=1024 count=512 2>/dev/null`,
      )
    await seed('backed-up')
    // A bare `sleep` as PID 1 ignores SIGTERM: like a slow service, it takes Docker's whole stop timeout.
    const svc = await createTestContainer({ volume: { name: volume, path: '/data' }, cmd: ['sleep', '3600'] })
    const fingerprint = () => dockerCli('exec', svc.name, 'sh', '-c', 'cd /data && ls -A && sha256sum marker blob')

    const first = startAgent(dataDir)
    const url = await first.url
    const backup = (await first.rpc('createBackup', svc.name, { name: 'before', consistency: 'live', wait: true }))
      .backup
    const restoredData = await fingerprint()
    await seed('current')
    const currentData = await fingerprint()
    expect(currentData).not.toBe(restoredData)

    const kills = (await docker.getEvents({
      filters: { container: [svc.id], event: ['kill'] },
    })) as NodeJS.ReadableStream
    const stopSent = new Promise<void>((resolve) => kills.once('data', () => resolve()))
    const events = await openEventStream(`${url}/events?types=backup-progress&services=${svc.name}`, {
      authorization: `Bearer ${TOKEN}`,
    })
    void first.rpc('restoreBackup', svc.name, backup.id, {}).catch(() => {}) // its connection dies with the agent
    await events.waitFor((e) => JSON.parse(e.data).phase === 'swapping', 30_000)
    events.close()
    // Killed while Docker is stopping the old container on the agent's behalf.
    await stopSent
    const killedAt = Date.now()
    ;(kills as unknown as { destroy(): void }).destroy()
    first.child.kill('SIGKILL')
    await first.exited

    const hub = createEventHub()
    const seen: Record<string, unknown>[] = []
    const publish = hub.publish.bind(hub)
    hub.publish = ((type, data) => {
      if (type === 'backup-progress') seen.push(data)
      return publish(type, data)
    }) as typeof hub.publish
    const config = loadConfig({ ZAPIE_STORAGE: 'fs', LOG_LEVEL: 'silent', ZAPIE_DATA_DIR: dataDir })
    const stores = await createNodeStores(config)
    const host = startHostAgent({ config, stores, docker, hub, logger: silentLogger })
    try {
      await host.ready
      const recovered = seen.find((e) => e.phase === 'recovered' && e.backupId === backup.id)
      expect(recovered).toMatchObject({ operation: 'restore', serviceId: svc.name })
      const record = await stores.backups.get(svc.name, backup.id)
      expect(record?.lastRestore?.outcome).toBe(recovered!.outcome)

      // Well past the stop timeout the killed agent's stop request carried.
      await new Promise((r) => setTimeout(r, Math.max(0, killedAt + 16_000 - Date.now())))
      expect(await state(svc.name)).toBe('running')
      const data = await fingerprint()
      expect([restoredData, currentData]).toContain(data)
      expect(recovered!.outcome).toBe(data === currentData ? 'kept_old_data' : 'completed_new_data')
      // One container under the service's id, nothing parked.
      const all = await docker.listContainers({ all: true, filters: { label: [`zapie.id=${svc.name}`] } })
      expect(all.map((c) => c.Names[0])).toEqual([`/${svc.name}`])
      expect(existsSync(join(dataDir, 'backups', '.intents', `${backup.id}.json`))).toBe(false)
    } finally {
      await host.close()
      await stores.close()
    }
  }, 90_000)
})

describe('crash safety: the agent killed after a restore removed the old container', () => {
  it('completes the restore: the restored container runs, the replaced volume goes, and the record says so', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'zapie-crash-commit-'))
    dirs.push(dataDir)
    const oldVolume = await createTestVolume()
    const fresh = await createTestVolume()
    // The state a restore leaves when killed while committing: the old container already removed,
    // the restored one under the service's name. Stopped here, as if it had died with the agent.
    const restored = await createTestContainer({ volume: { name: fresh, path: '/data' }, start: false })
    const backupId = 'bk_mwxf0000_0c0ffee0'
    mkdirSync(join(dataDir, 'backups', '.intents'), { recursive: true })
    writeFileSync(
      join(dataDir, 'backups', '.intents', `${backupId}.json`),
      JSON.stringify({
        kind: 'restore',
        backupId,
        serviceId: restored.name,
        containerId: 'f'.repeat(64),
        name: restored.name,
        parkedName: `${restored.name}-pre-restore-abc123`,
        wasRunning: true,
        wasPaused: false,
        freshVolumes: [fresh],
        replacedVolumes: [oldVolume],
        phase: 'committing',
        newContainerId: restored.id,
        at: new Date().toISOString(),
      }),
    )
    const config = loadConfig({ ZAPIE_STORAGE: 'memory', LOG_LEVEL: 'silent', ZAPIE_DATA_DIR: dataDir })
    const stores = await createNodeStores(config)
    await stores.backups.put({
      id: backupId,
      serviceId: restored.name,
      serviceName: restored.name,
      name: 'before',
      created_at: new Date().toISOString(),
      size: 1,
      sha256: '0'.repeat(64),
      consistency: 'live',
      volumes: [{ name: oldVolume, destination: '/data', files: 1, bytes: 1 }],
      image: TEST_IMAGE,
      template: null,
      tier: null,
      origin: 'manual',
    })
    const hub = createEventHub()
    const seen: Record<string, unknown>[] = []
    const publish = hub.publish.bind(hub)
    hub.publish = ((type, data) => {
      if (type === 'backup-progress') seen.push(data)
      return publish(type, data)
    }) as typeof hub.publish
    const host = startHostAgent({ config, stores, docker, hub, logger: silentLogger })
    try {
      await host.ready
      expect(await state(restored.name)).toBe('running')
      expect(await volumeExists(fresh)).toBe(true)
      expect(await volumeExists(oldVolume)).toBe(false)
      expect(seen.find((e) => e.phase === 'recovered')).toMatchObject({
        backupId,
        outcome: 'completed_new_data',
        containerId: restored.id,
      })
      expect((await stores.backups.get(restored.name, backupId))?.lastRestore).toMatchObject({
        outcome: 'completed_new_data',
      })
      expect(existsSync(join(dataDir, 'backups', '.intents', `${backupId}.json`))).toBe(false)
    } finally {
      await host.close()
    }
  })
})
