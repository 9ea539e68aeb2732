import { rm } from 'node:fs/promises'
import type { Readable } from 'node:stream'
import { AppError, unprocessable } from '../../errors'
import {
  MANIFEST_FORMAT,
  MANIFEST_VERSION,
  type BackupJob,
  type BackupOrigin,
  type BackupRecord,
  type BackupSummary,
  type BackupVolume,
  type Consistency,
  type Manifest,
} from '../../schemas/backup'
import { toAppError } from '../docker-errors'
import { TEMPLATE_ID_LABEL } from '../../deploy/build'
import { enforceHostBinds, hostBindsOf } from '../host-binds'
import { LABELS } from '../labels'
import { ArchiveWriter, commitArchive } from './archive-writer'
import { freeze, type Thaw } from './consistency'
import type { BackupEngine } from './engine'
import { ensureFreeSpace, insufficientStorage, isDiskFull, volumesSize } from './free-space'
import { ensureDir, newBackupId } from './paths'
import { ProgressReporter } from './progress'
import { withStatus } from './records'
import { applyRetention } from './retention'
import { loadService, type ServiceTarget } from './service'

export interface CreateBackupOptions {
  name: string
  description?: string
  consistency: Consistency
  /** Answer when the backup is done (201) instead of when it has started (202). */
  wait: boolean
  origin?: BackupOrigin
  signal?: AbortSignal
}

/**
 * Starts a backup of a service's volumes. Checks what can be checked up front (the service
 * exists, has volumes, has no other job running), then either answers at once with the id —
 * progress follows as `backup-progress` events — or, with `wait`, once the backup is listed.
 */
export async function startBackup(engine: BackupEngine, ref: string, options: CreateBackupOptions): Promise<BackupJob> {
  engine.locks.assertFree(ref)
  const service = await loadService(engine.ctx.docker, ref, options.signal)
  if (service.volumes.length === 0) {
    throw unprocessable(`Service '${service.serviceId}' has no data volumes to back up`)
  }
  if (options.consistency === 'stop' && service.inspect.HostConfig.AutoRemove) {
    // Stopping a container started with --rm removes it.
    throw unprocessable(
      `Service '${service.serviceId}' is removed when it stops (AutoRemove); use consistency pause or live`,
    )
  }
  // A stop-mode backup starts the service again, which mounts its binds anew through whatever
  // links are there now: refused up front, the service untouched, when one leads elsewhere.
  if (options.consistency === 'stop')
    await enforceHostBinds(hostBindsOf(service.inspect), engine.ctx.config.bindMountAllowlist)
  // A backup that cannot fit is refused before the service is paused or stopped for it.
  await ensureFreeSpace(engine.paths.root, await spaceEstimate(engine, service), `a backup of '${service.serviceId}'`)
  const release = engine.locks.acquire(service.serviceId, 'backup')
  const backupId = newBackupId(engine.now())
  const job = engine.jobs(() => runBackup(engine, service, backupId, options)).finally(release)
  if (options.wait) {
    const backup = await job
    return { backupId, serviceId: service.serviceId, status: 'completed', backup }
  }
  engine.runInBackground(`backup ${backupId}`, job)
  return { backupId, serviceId: service.serviceId, status: 'running' }
}

/**
 * One backup, start to finish: archive to a temporary file (SHA-256 on the fly) while the
 * service is frozen as asked, resume it, fsync, rename, then write the record. Any failure
 * removes the temporary file and leaves no record; the service is resumed in every case.
 */
async function runBackup(
  engine: BackupEngine,
  service: ServiceTarget,
  backupId: string,
  options: CreateBackupOptions,
): Promise<BackupSummary> {
  const { ctx, paths } = engine
  const started = engine.now()
  const progress = new ProgressReporter(
    ctx.events,
    { backupId, serviceId: service.serviceId, containerId: service.containerId, operation: 'backup' },
    () => engine.now(),
  )
  const estimate = await previousSize(engine, service.serviceId)
  progress.report('preparing', 0, 0)
  let writer: ArchiveWriter | undefined
  try {
    await ensureDir(paths.serviceDir(service.serviceId))
    writer = await ArchiveWriter.create(paths.partial(service.serviceId, backupId))
    const volumes = await readVolumes(engine, service, backupId, options.consistency, writer, progress, estimate)
    const manifest: Manifest = {
      format: MANIFEST_FORMAT,
      formatVersion: MANIFEST_VERSION,
      backupId,
      name: options.name,
      ...(options.description ? { description: options.description } : {}),
      created_at: new Date(started).toISOString(),
      consistency: options.consistency,
      service: {
        id: service.serviceId,
        name: service.name,
        image: service.inspect.Config.Image,
        template: service.inspect.Config.Labels?.[LABELS.service] ?? null,
        tier: service.inspect.Config.Labels?.[LABELS.template] ?? null,
        templateId: service.inspect.Config.Labels?.[TEMPLATE_ID_LABEL] ?? null,
        env: service.inspect.Config.Env ?? [],
      },
      volumes,
    }
    await writer.addManifest(manifest)
    progress.report('finalizing', sum(volumes), 97)
    const { size, sha256 } = await writer.finish()
    const finalPath = paths.archive(service.serviceId, backupId)
    await commitArchive(writer.tempPath, finalPath)
    const record: BackupRecord = {
      id: backupId,
      serviceId: service.serviceId,
      serviceName: service.name,
      name: manifest.name,
      ...(manifest.description ? { description: manifest.description } : {}),
      created_at: manifest.created_at,
      size,
      sha256,
      consistency: options.consistency,
      volumes,
      image: manifest.service.image,
      template: manifest.service.template,
      tier: manifest.service.tier,
      templateId: manifest.service.templateId ?? null,
      origin: options.origin ?? 'manual',
      durationMs: engine.now() - started,
    }
    try {
      await ctx.stores.backups.put(record)
    } catch (err) {
      // No record, no archive: a backup that cannot be listed must not linger on disk.
      await rm(finalPath, { force: true })
      throw err
    }
    progress.report('done', sum(volumes), 100, { size, sha256 })
    await applyRetention(engine, service.serviceId, new Set([backupId])).catch((err) =>
      ctx.logger.warn({ msg: 'retention failed', serviceId: service.serviceId, error: String(err) }),
    )
    return await withStatus(engine, record)
  } catch (caught) {
    await writer?.abort()
    // The disk filling up can surface first as Docker's stream failing (we stopped reading it):
    // once the writer has settled, its own failure names the real cause.
    const err = isDiskFull(writer?.writeFailure) ? writer!.writeFailure : caught
    const error = isDiskFull(err)
      ? insufficientStorage(
          `The backup directory ran out of space while backing up '${service.serviceId}'; the partial archive was removed and the service resumed`,
        )
      : toAppError(err)
    progress.report('failed', 0, null, { error: error.message, code: error.code })
    throw error
  }
}

/** Freezes the service as asked, streams each volume from Docker into the archive, resumes it. */
async function readVolumes(
  engine: BackupEngine,
  service: ServiceTarget,
  backupId: string,
  consistency: Consistency,
  writer: ArchiveWriter,
  progress: ProgressReporter,
  estimate: number | null,
): Promise<BackupVolume[]> {
  const abort = new AbortController()
  let thaw: Thaw | undefined
  try {
    thaw = await freeze(
      {
        backupId,
        serviceId: service.serviceId,
        container: service.container,
        containerId: service.containerId,
        state: service.inspect.State,
      },
      consistency,
      { intents: engine.intents, logger: engine.ctx.logger, now: () => engine.now() },
    )
    const volumes: BackupVolume[] = []
    let before = 0
    for (const [index, volume] of service.volumes.entries()) {
      // Plain tar: Docker compresses many times slower than we do (moby#40577), so no Accept-Encoding.
      const request = { path: volume.destination, abortSignal: abort.signal } as { path: string }
      // On the stream client: a volume can take minutes and must not hold a short-call socket.
      const source = engine.ctx.streams?.getContainer(service.containerId) ?? service.container
      const tarStream = (await source.getArchive(request)) as unknown as Readable
      const stats = await writer.addVolume(index, volume.destination, tarStream, (bytes) => {
        const total = before + bytes
        progress.report('reading', total, estimate ? Math.min(95, (total / estimate) * 95) : null)
      })
      before += stats.bytes
      volumes.push({ name: volume.name, destination: volume.destination, files: stats.files, bytes: stats.bytes })
    }
    return volumes
  } catch (err) {
    abort.abort()
    // A full disk keeps its errno, so the caller can name the real cause rather than blame Docker.
    throw err instanceof AppError || isDiskFull(err) ? err : toAppError(err)
  } finally {
    await thaw?.()
  }
}

/** What the archive will take: the newest backup's size, else what its volumes hold now. */
async function spaceEstimate(engine: BackupEngine, service: ServiceTarget): Promise<number | null> {
  const { records } = await engine.ctx.stores.backups
    .list(service.serviceId)
    .catch(() => ({ records: [] as BackupRecord[] }))
  const newest = records.sort((a, b) => b.created_at.localeCompare(a.created_at))[0]
  if (newest) return newest.size
  return volumesSize(
    engine.ctx.docker,
    service.volumes.map((v) => v.name),
  )
}

/** The size of this service's newest backup, to turn bytes into a percentage. */
async function previousSize(engine: BackupEngine, serviceId: string): Promise<number | null> {
  const { records } = await engine.ctx.stores.backups.list(serviceId).catch(() => ({ records: [] as BackupRecord[] }))
  const newest = records.sort((a, b) => b.created_at.localeCompare(a.created_at))[0]
  const total = newest ? sum(newest.volumes) : 0
  return total > 0 ? total : null
}

const sum = (volumes: BackupVolume[]) => volumes.reduce((n, v) => n + v.bytes, 0)
