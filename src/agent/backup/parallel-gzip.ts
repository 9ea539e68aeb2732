import { availableParallelism } from 'node:os'
import { Transform, type TransformCallback } from 'node:stream'
import { promisify } from 'node:util'
import { gzip, type ZlibOptions } from 'node:zlib'

const gzipBlock = promisify<Buffer, ZlibOptions, Buffer>(gzip)

export interface ParallelGzipOptions {
  level: number
  chunkSize: number
  /** Uncompressed bytes per gzip member. */
  blockSize?: number
  /** Members compressed at once (on libuv's thread pool). */
  parallel?: number
}

/**
 * gzip on several cores, the way pigz does it: the input is cut into blocks, each block is
 * compressed as its own gzip member on libuv's thread pool, and the members are written in
 * order. Concatenated members are one valid gzip file (RFC 1952 §2.2) that gzip, tar -xz,
 * Python and Node all read whole; each member carries its own CRC. Restarting the dictionary
 * every block costs a fraction of a percent of size at 1 MiB, and at most `parallel` blocks are
 * in flight, so memory stays a few MiB.
 */
export class ParallelGzip extends Transform {
  private readonly blockSize: number
  private readonly parallel: number
  private readonly zlibOptions: ZlibOptions
  private pending: Buffer[] = []
  private pendingBytes = 0
  private readonly inFlight: Promise<Buffer>[] = []

  constructor(options: ParallelGzipOptions) {
    super()
    this.blockSize = options.blockSize ?? 1024 * 1024
    this.parallel = options.parallel ?? Math.max(1, Math.min(4, availableParallelism()))
    this.zlibOptions = { level: options.level, chunkSize: options.chunkSize }
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
    this.pending.push(chunk)
    this.pendingBytes += chunk.length
    if (this.pendingBytes < this.blockSize) return callback()
    this.dispatch()
    if (this.inFlight.length < this.parallel) return callback()
    // Full: hand on the oldest member before taking more input (backpressure).
    this.shiftOne().then(() => callback(), callback)
  }

  override _flush(callback: TransformCallback) {
    if (this.pendingBytes > 0) this.dispatch()
    const drain = async () => {
      while (this.inFlight.length > 0) await this.shiftOne()
    }
    drain().then(() => callback(), callback)
  }

  private dispatch() {
    const block = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes)
    this.pending = []
    this.pendingBytes = 0
    const member = gzipBlock(block, this.zlibOptions)
    // Observed when it is its turn; until then a rejection must not count as unhandled.
    member.catch(() => {})
    this.inFlight.push(member)
  }

  private async shiftOne() {
    const member = await this.inFlight[0]!
    this.inFlight.shift()
    this.push(member)
  }
}
