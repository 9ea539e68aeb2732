import { createReadStream } from 'node:fs'
import { open, rm } from 'node:fs/promises'
import { Readable, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { ReadableStream as NodeWebStream } from 'node:stream/web'
import { AppError, badRequest, tooLarge } from '../../errors'
import type { BackupRecord, UploadResult } from '../../schemas/backup'
import { readArchive } from './archive-reader'
import { commitArchive, fsyncFile } from './archive-writer'
import type { BackupEngine } from './engine'
import { HashingCounter } from './hash'
import { ensureDir, newBackupId } from './paths'
import { ProgressReporter } from './progress'
import { withStatus } from './records'
import { checksumMismatch, planVolumes, RestoreRun } from './restore'
import { loadService } from './service'
import { ArchiveFormatError } from './tar-entries'

export interface UploadOptions {
  /** Name for the stored backup (default: the name in the archive's manifest). */
  name?: string
  /** Restore it into the service once stored (default true). */
  restore: boolean
  /** The SHA-256 the client computed (`X-Checksum-Sha256`); checked when given. */
  sha256?: string
  /** Largest accepted body in bytes; the agent's own ZAPIE_UPLOAD_LIMIT applies too. */
  limit: number
  signal?: AbortSignal
}

/**
 * Takes an archive made elsewhere (`GET …/download` on another host): streams it to a
 * temporary file in the backup directory — size-limited, SHA-256 on the fly — then checks it
 * end to end (gzip CRC, structure, manifest against contents, the client's checksum when sent,
 * volumes matching the service's mounts). Only a sound archive becomes a listed backup of this
 * service (`origin: 'upload'`); with `restore` it is then restored like any other backup.
 */
export async function uploadBackup(
  engine: BackupEngine,
  ref: string,
  body: ReadableStream<Uint8Array> | Readable,
  options: UploadOptions,
): Promise<UploadResult> {
  const { ctx, paths } = engine
  engine.locks.assertFree(ref)
  const service = await loadService(ctx.docker, ref, options.signal)
  const release = engine.locks.acquire(service.serviceId, 'upload')
  const backupId = newBackupId(engine.now())
  const temp = paths.partial(service.serviceId, backupId)
  const progress = new ProgressReporter(
    ctx.events,
    { backupId, serviceId: service.serviceId, containerId: service.containerId, operation: 'upload' },
    () => engine.now(),
  )
  let committed = false
  try {
    await ensureDir(paths.serviceDir(service.serviceId))
    const limit = Math.min(options.limit, ctx.config.uploadLimit)
    progress.report('receiving', 0, null)
    const idleMs = ctx.config.uploadIdleTimeoutMs
    const { size, sha256 } = await receive(body, temp, { limit, idleMs }, options.signal, (bytes) =>
      progress.report('receiving', bytes, null),
    )
    if (size === 0) throw badRequest('The upload is empty: send the .tar.gz archive as the request body')
    if (options.sha256 && options.sha256 !== sha256)
      throw checksumMismatch('upload', 'the X-Checksum-Sha256 sent with it')
    progress.report('checking', 0, 0)
    // Read end to end before anything is stored: a bomb stops at the cap or, once the manifest
    // is read, at what it declares (413); special files and paths below symlinks are a 422.
    const contents = await readArchive(createReadStream(temp, { highWaterMark: 1024 * 1024 }), {
      onBytes: (bytes) => progress.report('checking', bytes, (bytes / size) * 100),
      limits: { untrusted: true, maxInflated: ctx.config.restoreMaxBytes },
    }).catch((err) => {
      if (err instanceof ArchiveFormatError)
        throw new AppError(422, 'invalid_backup_archive', `Not a valid backup archive: ${err.message}`)
      throw err
    })
    const { manifest } = contents
    planVolumes(service, { id: backupId, volumes: manifest.volumes })
    const record: BackupRecord = {
      id: backupId,
      serviceId: service.serviceId,
      serviceName: service.name,
      name: options.name ?? manifest.name,
      ...(manifest.description ? { description: manifest.description } : {}),
      created_at: manifest.created_at,
      size,
      sha256,
      consistency: manifest.consistency,
      volumes: manifest.volumes,
      image: manifest.service.image,
      template: manifest.service.template,
      tier: manifest.service.tier,
      origin: 'upload',
      source: { backupId: manifest.backupId, serviceId: manifest.service.id },
    }
    const finalPath = paths.archive(service.serviceId, backupId)
    await commitArchive(temp, finalPath)
    committed = true
    try {
      await ctx.stores.backups.put(record)
    } catch (err) {
      await rm(finalPath, { force: true })
      throw err
    }
    const backup = await withStatus(engine, record)
    progress.report('stored', size, 100, { size, sha256 })
    if (!options.restore) return { backup, restore: null }
    try {
      const restore = await engine.jobs(() => new RestoreRun(engine, service, record, 'upload').run())
      return { backup, restore }
    } catch (err) {
      const error = err instanceof AppError ? err : new AppError(502, 'restore_failed', String(err))
      throw new AppError(
        error.status,
        error.code,
        `The archive was stored as backup ${backupId}, but restoring it failed: ${error.message}`,
        [{ backupId }],
      )
    }
  } catch (err) {
    if (!committed) {
      const error =
        err instanceof AppError ? err : new AppError(502, 'upload_failed', String((err as Error)?.message ?? err))
      progress.report('failed', 0, null, { error: error.message, code: error.code })
    }
    throw err
  } finally {
    if (!committed) await rm(temp, { force: true })
    release()
  }
}

const uploadStalled = (idleMs: number) =>
  new AppError(
    408,
    'upload_stalled',
    `No bytes of the upload arrived for ${Math.round(idleMs / 1000)} s (ZAPIE_UPLOAD_IDLE_TIMEOUT_MS); the upload was aborted`,
  )

/**
 * Streams the body into `file`, counting against `limit` and hashing; fsyncs before it answers.
 * No deadline for the whole body (10 GiB takes long on a slow line), but one for silence: a
 * client that stops sending for `idleMs` loses the upload, so it cannot hold the service's
 * backup lock and a partial file for as long as it keeps the connection open.
 */
async function receive(
  body: ReadableStream<Uint8Array> | Readable,
  file: string,
  { limit, idleMs }: { limit: number; idleMs: number },
  signal: AbortSignal | undefined,
  onBytes: (bytes: number) => void,
) {
  const source = body instanceof Readable ? body : Readable.fromWeb(body as unknown as NodeWebStream<Uint8Array>)
  let received = 0
  const limiter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      idle.refresh()
      received += chunk.length
      if (received > limit) return callback(tooLarge(`The upload is larger than ${limit} bytes (ZAPIE_UPLOAD_LIMIT)`))
      callback(null, chunk)
    },
  })
  const idle = setTimeout(() => limiter.destroy(uploadStalled(idleMs)), idleMs)
  try {
    const hasher = new HashingCounter(onBytes)
    const handle = await open(file, 'wx', 0o600)
    await pipeline(source, limiter, hasher, handle.createWriteStream({ highWaterMark: 1024 * 1024 }), { signal })
    clearTimeout(idle)
    await fsyncFile(file)
    return { size: hasher.bytes, sha256: hasher.digest() }
  } finally {
    clearTimeout(idle)
  }
}
