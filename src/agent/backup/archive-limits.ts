import { Transform, type TransformCallback } from 'node:stream'
import { AppError } from '../../errors'
import type { BackupVolume } from '../../schemas/backup'

/**
 * What one entry may add to the tar stream beyond its content: a 512-byte header, a pax record
 * for a long name (another 1 KiB) and up to 511 bytes of padding. Files are declared in the
 * manifest; directories are not, so the margin below covers them (and tar's end blocks).
 */
export const ENTRY_OVERHEAD = 2048
export const INFLATE_MARGIN = 64 * 1024 * 1024

/** 413: the archive inflates beyond what its manifest declares, or beyond ZAPIE_RESTORE_MAX_BYTES. */
export const archiveTooLarge = (message: string) =>
  new AppError(413, 'archive_too_large', `${message}; nothing was restored`)

/** The decompressed size an archive declaring `volumes` may honestly reach. */
export function inflatedAllowance(volumes: readonly Pick<BackupVolume, 'files' | 'bytes'>[]): number {
  return volumes.reduce((sum, v) => sum + v.bytes + v.files * ENTRY_OVERHEAD, 0) + INFLATE_MARGIN
}

/**
 * Counts the bytes gunzip produces and stops the stream once they pass `limit` — a 1 MB
 * upload can inflate to 1 GiB, and nothing downstream should see (or write) more than allowed.
 */
export class InflateLimiter extends Transform {
  bytes = 0

  constructor(
    private readonly limit: number,
    private readonly why: string,
  ) {
    super()
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
    this.bytes += chunk.length
    if (this.bytes > this.limit)
      return callback(archiveTooLarge(`The archive inflates to more than ${this.limit} bytes (${this.why})`))
    callback(null, chunk)
  }
}
