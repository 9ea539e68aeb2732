import type { LogLine } from '../schemas/service'

const STREAMS = { 1: 'stdout', 2: 'stderr' } as const

/**
 * Turns the bytes of Docker's log endpoint into lines. Without a TTY Docker multiplexes stdout
 * and stderr in frames (8-byte header: stream, 3 zero bytes, big-endian length); with a TTY the
 * bytes are raw. Frames and lines may be split anywhere across chunks, so state is kept.
 */
export class LogDecoder {
  private pending: Buffer = Buffer.alloc(0)
  private partial: Record<'stdout' | 'stderr', string> = { stdout: '', stderr: '' }
  private readonly utf8 = { stdout: new TextDecoder(), stderr: new TextDecoder() }

  constructor(
    private readonly tty: boolean,
    private readonly timestamps: boolean,
  ) {}

  push(chunk: Buffer): LogLine[] {
    if (this.tty) return this.text('stdout', chunk)
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk
    const lines: LogLine[] = []
    while (this.pending.length >= 8) {
      const size = this.pending.readUInt32BE(4)
      if (this.pending.length < 8 + size) break
      const stream = STREAMS[this.pending[0] as 1 | 2] ?? 'stdout'
      lines.push(...this.text(stream, this.pending.subarray(8, 8 + size)))
      this.pending = this.pending.subarray(8 + size)
    }
    return lines
  }

  /** Whatever is left when the stream ends: a last line without a newline. */
  end(): LogLine[] {
    const lines: LogLine[] = []
    for (const stream of ['stdout', 'stderr'] as const) {
      const rest = this.partial[stream] + this.utf8[stream].decode()
      this.partial[stream] = ''
      if (rest) lines.push(this.line(stream, rest))
    }
    return lines
  }

  private text(stream: 'stdout' | 'stderr', bytes: Uint8Array): LogLine[] {
    const parts = (this.partial[stream] + this.utf8[stream].decode(bytes, { stream: true })).split('\n')
    this.partial[stream] = parts.pop() ?? ''
    return parts.map((p) => this.line(stream, p))
  }

  private line(stream: 'stdout' | 'stderr', raw: string): LogLine {
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw
    if (!this.timestamps) return { stream, message: text }
    // Docker prefixes each line with an RFC 3339 timestamp and a space when asked.
    const space = text.indexOf(' ')
    const stamp = space > 0 ? text.slice(0, space) : ''
    if (/^\d{4}-\d\d-\d\dT/.test(stamp)) return { stream, timestamp: stamp, message: text.slice(space + 1) }
    return { stream, message: text }
  }
}

export function decodeLogs(bytes: Buffer, tty: boolean, timestamps: boolean): LogLine[] {
  const decoder = new LogDecoder(tty, timestamps)
  return [...decoder.push(bytes), ...decoder.end()]
}
