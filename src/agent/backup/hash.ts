import { createHash, type Hash } from 'node:crypto'
import { Transform, type TransformCallback } from 'node:stream'

/** Passes bytes through unchanged while counting them and (unless told not to) computing their SHA-256. */
export class HashingCounter extends Transform {
  private readonly hash: Hash | null
  bytes = 0

  constructor(
    private readonly onBytes?: (bytes: number) => void,
    options: { hash?: boolean } = {},
  ) {
    super()
    this.hash = options.hash === false ? null : createHash('sha256')
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
    this.hash?.update(chunk)
    this.bytes += chunk.length
    this.onBytes?.(this.bytes)
    callback(null, chunk)
  }

  /** The hex digest (empty when not hashing); call once, after the stream has ended. */
  digest(): string {
    return this.hash ? this.hash.digest('hex') : ''
  }
}

/** SHA-256 of a stream (a file read in 1 MiB chunks, say). */
export async function sha256Of(source: AsyncIterable<unknown>, options: { onBytes?: (bytes: number) => void } = {}) {
  const hash = createHash('sha256')
  let bytes = 0
  for await (const chunk of source) {
    hash.update(chunk as Buffer)
    bytes += (chunk as Buffer).length
    options.onBytes?.(bytes)
  }
  return { sha256: hash.digest('hex'), size: bytes }
}
