import { createReadStream } from 'node:fs'
import { readdir, rm, stat } from 'node:fs/promises'
import path from 'node:path'
import { isSafeId } from '../../../storage/keys'
import type { BackupRecord } from '../../schemas/backup'
import { isStatus } from '../docker-errors'
import { readArchive } from './archive-reader'
import { resumeContainer } from './consistency'
import type { BackupEngine } from './engine'
import type { Intent } from './intents'
import { ensureDir, isBackupId } from './paths'

export interface RecoveryReport {
  /** Services put back: unpaused, started again, or restored to their pre-restore container. */
  resumed: { serviceId: string; backupId: string; action: string }[]
  /** Temporary archives of interrupted jobs, removed. */
  removedPartials: string[]
}

/**
 * Crash recovery, part one — runs before the engine takes any job: acts on every intent marker
 * (a service paused, stopped or swapped out by a job that never finished is put back), removes
 * the temporary files that job left behind. Part two (adoptOrphans) may
 * run in the background.
 */
export async function recoverInterruptedJobs(engine: BackupEngine): Promise<RecoveryReport> {
  const report: RecoveryReport = { resumed: [], removedPartials: [] }
  const { logger } = engine.ctx
  await ensureDir(engine.paths.root)
  const { intents, unreadable } = await engine.intents.list()
  for (const name of unreadable) logger.error({ msg: 'backup intent marker unreadable; left in place', file: name })
  for (const intent of intents) {
    try {
      const action = intent.kind === 'freeze' ? await undoFreeze(engine, intent) : await finishRestore(engine, intent)
      if (action) report.resumed.push({ serviceId: intent.serviceId, backupId: intent.backupId, action })
      if (intent.kind === 'restore' && action) await reportRestoreOutcome(engine, intent, action)
      await engine.intents.clear(intent.backupId)
    } catch (err) {
      logger.error({
        msg: 'crash recovery could not put a service back',
        ...intent,
        error: String((err as Error)?.message ?? err),
      })
    }
  }
  for (const dir of await serviceDirs(engine)) {
    for (const name of await readdir(dir).catch(() => [] as string[])) {
      if (!name.endsWith('.partial')) continue
      await rm(path.join(dir, name), { force: true })
      report.removedPartials.push(`${path.basename(dir)}/${name}`)
    }
  }
  if (report.resumed.length || report.removedPartials.length) {
    logger.warn({ msg: 'recovered from interrupted backup jobs', ...report })
  }
  return report
}

async function undoFreeze(engine: BackupEngine, intent: Extract<Intent, { kind: 'freeze' }>): Promise<string | null> {
  const container = engine.ctx.docker.getContainer(intent.containerId)
  const info = await container.inspect().catch((err) => {
    if (isStatus(err, 404)) return null
    throw err
  })
  if (!info) return null
  if (intent.action === 'paused' && !info.State.Paused) return null
  if (intent.action === 'stopped' && info.State.Running) return null
  await resumeContainer(container, intent.action)
  return intent.action === 'paused' ? 'unpaused' : 'started'
}

type RestoreIntent = Extract<Intent, { kind: 'restore' }>
const KEPT_OLD = 'restore rolled back: kept the old data'
const COMPLETED_NEW = 'restore completed with the new data'

/**
 * A restore interrupted at any phase ends on one complete data set, with the service as its user
 * had it: if the old container still exists the restore never committed, so the new container
 * goes and the old one gets its name, its state and (it never lost them) its volumes back. If it
 * is gone, the restore had committed: the new container is put in the old one's state and the
 * replaced volumes are retired.
 */
async function finishRestore(engine: BackupEngine, intent: RestoreIntent): Promise<string | null> {
  const { docker } = engine.ctx
  const old = docker.getContainer(intent.containerId)
  const info = await old.inspect().catch((err) => {
    if (isStatus(err, 404)) return null
    throw err
  })
  if (!info) return completeRestore(engine, intent)
  const ignore404 = (err: unknown) => {
    if (!isStatus(err, 404)) throw err
  }
  if (intent.helperId) await docker.getContainer(intent.helperId).remove({ force: true }).catch(ignore404)
  if (intent.newContainerId) await docker.getContainer(intent.newContainerId).remove({ force: true }).catch(ignore404)
  else {
    // Killed between create and the marker update: a container with the service's name that
    // is not the old one and was created after the marker is the half-made restore.
    const [byName] = await docker.listContainers({ all: true, filters: { name: [`^/${intent.name}$`] } })
    if (byName && byName.Id !== intent.containerId && byName.Created * 1000 >= Date.parse(intent.at) - 1000) {
      await docker.getContainer(byName.Id).remove({ force: true }).catch(ignore404)
    }
  }
  if (info.Name.replace(/^\//, '') !== intent.name) await old.rename({ name: intent.name })
  if (intent.wasRunning && intent.phase === 'swapping' && info.State.Running) {
    // The killed agent may have asked Docker to stop it: Docker finishes that stop whoever waits,
    // killing the service seconds after it was "put back". Waiting out a stop of our own (same
    // timeout) sees that one through too; only then is starting it again for good.
    await old.stop({ t: 10 }).catch((err) => {
      if (!isStatus(err, 304)) throw err
    })
  }
  if (intent.wasRunning) await resumeContainer(old, 'stopped')
  if (intent.wasPaused)
    await old.pause().catch((err) => {
      if (!isStatus(err, 409)) throw err
    })
  for (const name of intent.freshVolumes) {
    await docker
      .getVolume(name)
      .remove()
      .catch((err) =>
        engine.ctx.logger.warn({ msg: 'could not remove a fresh volume', volume: name, error: String(err) }),
      )
  }
  return KEPT_OLD
}

async function completeRestore(engine: BackupEngine, intent: RestoreIntent): Promise<string | null> {
  const { docker, logger } = engine.ctx
  if (!intent.newContainerId) return null
  const restored = docker.getContainer(intent.newContainerId)
  const info = await restored.inspect().catch((err) => {
    if (isStatus(err, 404)) return null
    throw err
  })
  if (!info) return null
  if (intent.wasRunning && !info.State.Running) await resumeContainer(restored, 'stopped')
  if (intent.wasPaused && !info.State.Paused)
    await restored.pause().catch((err) => {
      if (!isStatus(err, 409)) throw err
    })
  for (const name of intent.replacedVolumes ?? []) {
    await docker
      .getVolume(name)
      .remove()
      .catch((err) => {
        // 409: another container still uses it; kept, as a finished restore keeps it.
        if (!isStatus(err, 404))
          logger.warn({ msg: 'restore recovery kept the old volume', volume: name, error: String(err) })
      })
  }
  return COMPLETED_NEW
}

/** Says which data the service ended on: a `backup-progress` event and the backup's record. */
async function reportRestoreOutcome(engine: BackupEngine, intent: RestoreIntent, action: string) {
  const { stores, events, logger } = engine.ctx
  const outcome = action === COMPLETED_NEW ? ('completed_new_data' as const) : ('kept_old_data' as const)
  const message =
    outcome === 'completed_new_data'
      ? `The agent stopped during a restore of backup ${intent.backupId}; on restart it completed the restore: the service runs on the restored data`
      : `The agent stopped during a restore of backup ${intent.backupId}; on restart it rolled the restore back: the service kept its old data`
  const at = new Date(engine.now()).toISOString()
  const containerId =
    outcome === 'completed_new_data' ? (intent.newContainerId ?? intent.containerId) : intent.containerId
  events.publish('backup-progress', {
    backupId: intent.backupId,
    serviceId: intent.serviceId,
    containerId,
    operation: 'restore',
    phase: 'recovered',
    outcome,
    message,
  })
  try {
    const record = await stores.backups.get(intent.serviceId, intent.backupId)
    if (record) await stores.backups.put({ ...record, lastRestore: { at, outcome, message } })
  } catch (err) {
    logger.warn({
      msg: 'could not record a recovered restore on its backup',
      backupId: intent.backupId,
      error: String(err),
    })
  }
}

async function serviceDirs(engine: BackupEngine): Promise<string[]> {
  const entries = await readdir(engine.paths.root, { withFileTypes: true }).catch(() => [])
  return entries.filter((e) => e.isDirectory() && isSafeId(e.name)).map((e) => path.join(engine.paths.root, e.name))
}

/** The time a backup id was made at (its base36 milliseconds). */
const idTime = (backupId: string) => parseInt(backupId.split('_')[1] ?? '0', 36)

/**
 * Crash recovery, part two: an archive without a record (the agent died between rename and
 * record) is adopted from its own manifest; a record without an archive stays and is listed
 * as `missing`. Archives made after `startedAt` belong to live jobs and are left alone.
 */
export async function adoptOrphans(
  engine: BackupEngine,
  startedAt: number,
): Promise<{ adopted: string[]; missing: string[] }> {
  const { stores, logger } = engine.ctx
  const adopted: string[] = []
  for (const dir of await serviceDirs(engine)) {
    const serviceId = path.basename(dir)
    for (const name of await readdir(dir).catch(() => [] as string[])) {
      const backupId = name.replace(/\.tar\.gz$/, '')
      if (!name.endsWith('.tar.gz') || !isBackupId(backupId) || idTime(backupId) >= startedAt) continue
      const existing = await stores.backups.get(serviceId, backupId).catch(() => 'corrupt' as const)
      if (existing) continue
      try {
        const file = engine.paths.archive(serviceId, backupId)
        const contents = await readArchive(createReadStream(file, { highWaterMark: 1024 * 1024 }))
        const { manifest } = contents
        const record: BackupRecord = {
          id: backupId,
          serviceId,
          serviceName: manifest.service.name,
          name: manifest.name,
          ...(manifest.description ? { description: manifest.description } : {}),
          created_at: manifest.created_at,
          size: contents.size,
          sha256: contents.sha256,
          consistency: manifest.consistency,
          volumes: manifest.volumes,
          image: manifest.service.image,
          template: manifest.service.template,
          tier: manifest.service.tier,
          origin: 'adopted',
          ...(manifest.backupId !== backupId || manifest.service.id !== serviceId
            ? { source: { backupId: manifest.backupId, serviceId: manifest.service.id } }
            : {}),
        }
        await stores.backups.put(record)
        adopted.push(`${serviceId}/${backupId}`)
      } catch (err) {
        logger.error({
          msg: 'an archive without a record could not be adopted; left in place',
          serviceId,
          backupId,
          error: String((err as Error)?.message ?? err),
        })
      }
    }
  }
  const missing: string[] = []
  for (const { serviceId, backupId } of await stores.backups.keys()) {
    if (!isSafeId(serviceId) || !isBackupId(backupId)) continue
    const exists = await stat(engine.paths.archive(serviceId, backupId)).then(
      () => true,
      () => false,
    )
    if (!exists) missing.push(`${serviceId}/${backupId}`)
  }
  if (adopted.length) logger.warn({ msg: 'adopted backup archives that had no record', adopted })
  if (missing.length)
    logger.warn({ msg: 'backup records whose archive is missing (listed with status missing)', missing })
  return { adopted, missing }
}
