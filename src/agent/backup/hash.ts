import { createHash, type Hash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { Transform, type TransformCallback } from 'node:stream'

/** Passes bytes through unchanged while computing their SHA-256 and counting them. */
export class HashingCounter extends Transform {
  private readonly hash: Hash = createHash('sha256')
  bytes = 0

  constructor(private readonly onBytes?: (bytes: number) => void) {
    super()
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
    this.hash.update(chunk)
    this.bytes += chunk.length
    this.onBytes?.(this.bytes)
    callback(null, chunk)
  }

  /** The hex digest; call once, after the stream has ended. */
  digest(): string {
    return this.hash.digest('hex')
  }
}

/** SHA-256 of a file, streamed in 1 MiB reads. */
export async function sha256OfFile(file: string, options: { signal?: AbortSignal; onBytes?: (bytes: number) => void } = {}) {
  const hash = createHash('sha256')
  let bytes = 0
  for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024, signal: options.signal })) {
    hash.update(chunk as Buffer)
    bytes += (chunk as Buffer).length
    options.onBytes?.(bytes)
  }
  return { sha256: hash.digest('hex'), size: bytes }
}
