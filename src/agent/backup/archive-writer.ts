import { open, rename, rm, type FileHandle } from 'node:fs/promises'
import path from 'node:path'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import tar from 'tar-stream'
import type { Manifest } from '../../schemas/backup'
import { HashingCounter } from './hash'
import { ParallelGzip } from './parallel-gzip'
import { syncDir } from './paths'
import { belowDockerRoot, MANIFEST_NAME, movedHeader, volumeRoot } from './tar-entries'

/**
 * PERFORMANCE.md: level 1 with 64 KiB chunks was the fastest, and single-core deflate is the
 * bound — so deflate runs on several cores (ParallelGzip, one gzip member per MiB).
 */
export const GZIP_LEVEL = 1
export const GZIP_CHUNK = 64 * 1024

export interface VolumeStats {
  files: number
  bytes: number
}

/**
 * Writes one `.tar.gz` archive to a temporary file, hashing (SHA-256) the compressed bytes on
 * their way to disk. Volumes arrive as the tar streams Docker's archive API sends and are
 * re-packed entry by entry under `volumes/<i>/`; every stage respects backpressure, so memory
 * stays bounded whatever the volume holds.
 *
 * tar-stream's pack + zlib is what archiver's tar format is made of; we drive them directly
 * because archiver's append() normalises entry names (a file named `a\b` would come back as
 * `b` inside a directory `a`), which a backup must never do.
 */
export class ArchiveWriter {
  private readonly pack = tar.pack()
  private readonly hasher: HashingCounter
  private readonly done: Promise<void>
  private failure: Error | undefined

  /** The first write failure of the archive file (disk full), once the pipeline has seen it. */
  get writeFailure(): Error | undefined {
    return this.failure
  }

  private constructor(
    private readonly handle: FileHandle,
    readonly tempPath: string,
    onCompressedBytes?: (bytes: number) => void,
  ) {
    this.hasher = new HashingCounter(onCompressedBytes)
    const gzip = new ParallelGzip({ level: GZIP_LEVEL, chunkSize: GZIP_CHUNK })
    this.pack.on('error', (err: Error) => gzip.destroy(err))
    this.pack.pipe(gzip)
    // The stream closes the handle when done (a handle kept open never lets pipeline settle).
    this.done = pipeline(gzip, this.hasher, handle.createWriteStream({ highWaterMark: 1024 * 1024 }))
    // Surfaces a write failure (disk full) to whatever step is running.
    this.done.catch((err: Error) => {
      this.failure ??= err
      this.pack.destroy(err)
    })
  }

  /** Creates the temporary file (refusing to overwrite one) and starts the pipeline. */
  static async create(tempPath: string, onCompressedBytes?: (bytes: number) => void): Promise<ArchiveWriter> {
    const handle = await open(tempPath, 'wx', 0o600)
    return new ArchiveWriter(handle, tempPath, onCompressedBytes)
  }

  /**
   * Copies one volume's tree, as Docker's `GET /containers/{id}/archive?path=<destination>`
   * streams it, under `volumes/<index>/`. `onBytes` sees the uncompressed bytes read so far.
   */
  addVolume(
    index: number,
    destination: string,
    source: Readable,
    onBytes?: (bytes: number) => void,
  ): Promise<VolumeStats> {
    const root = path.posix.basename(destination)
    const prefix = volumeRoot(index)
    const stats: VolumeStats = { files: 0, bytes: 0 }
    return new Promise<VolumeStats>((resolve, reject) => {
      const extract = tar.extract()
      let failed = false
      const fail = (err: Error) => {
        if (failed) return
        failed = true
        source.destroy()
        extract.destroy()
        reject(this.failure ?? err)
      }
      let read = 0
      source.on('data', (chunk: Buffer) => {
        read += chunk.length
        onBytes?.(read)
      })
      extract.on('entry', (header, stream, next) => {
        let name: string
        let linkname: string | undefined
        try {
          name = prefix + belowDockerRoot(header.name, root)
          if (header.type === 'link') linkname = prefix + belowDockerRoot(header.linkname ?? '', root)
        } catch (err) {
          return fail(err as Error)
        }
        if (header.type === 'directory') {
          if (!name.endsWith('/')) name += '/'
        } else {
          stats.files += 1
          if (header.type === 'file' || header.type === 'contiguous-file') stats.bytes += header.size
        }
        let sink: ReturnType<typeof this.pack.entry>
        try {
          sink = this.pack.entry(movedHeader(header, name, linkname), (err) => (err ? fail(err) : next()))
        } catch (err) {
          return fail(this.failure ?? (err as Error))
        }
        // A write failure (disk full) destroys the entry with it: without a listener that error
        // would be thrown as uncaught and take the whole agent down.
        sink.on('error', fail)
        stream.on('error', fail)
        if (header.type === 'file' || header.type === 'contiguous-file') stream.pipe(sink)
        else stream.resume()
      })
      extract.on('finish', () => {
        if (!failed) resolve(stats)
      })
      extract.on('error', fail)
      source.on('error', fail)
      source.pipe(extract as unknown as NodeJS.WritableStream)
    })
  }

  /** Appends `manifest.json`, the archive's last entry. */
  addManifest(manifest: Manifest): Promise<void> {
    return new Promise((resolve, reject) => {
      const body = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`)
      this.pack.entry({ name: MANIFEST_NAME, mode: 0o644, mtime: new Date(manifest.created_at) }, body, (err) =>
        err ? reject(err) : resolve(),
      )
    })
  }

  /** Ends the archive and flushes it to disk. Resolves with its size and SHA-256. */
  async finish(): Promise<{ size: number; sha256: string }> {
    this.pack.finalize()
    await this.done
    await fsyncFile(this.tempPath)
    return { size: this.hasher.bytes, sha256: this.hasher.digest() }
  }

  /** Stops writing and removes the temporary file. Safe to call after a failure, or twice. */
  async abort(): Promise<void> {
    this.pack.destroy(new Error('backup aborted'))
    await this.done.catch(() => {})
    await this.handle.close().catch(() => {})
    await rm(this.tempPath, { force: true })
  }
}

/** Flushes a written file's data to disk (fsync is per file, so a fresh descriptor does it). */
export async function fsyncFile(file: string): Promise<void> {
  const handle = await open(file, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

/** Moves a finished archive into place and makes the rename durable. */
export async function commitArchive(tempPath: string, finalPath: string): Promise<void> {
  await rename(tempPath, finalPath)
  await syncDir(path.dirname(finalPath))
}
