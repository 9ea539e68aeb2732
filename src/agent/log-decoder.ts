import type { LogLine } from '../schemas/service'

const STREAMS = { 1: 'stdout', 2: 'stderr' } as const

/**
 * The longest message a line keeps, in characters; the rest is dropped and the line marked
 * `truncated`. A container that writes one endless line without a newline must not make the
 * agent hold it all.
 */
export const MAX_LINE_CHARS = 16 * 1024

/**
 * Turns the bytes of Docker's log endpoint into lines. Without a TTY Docker multiplexes stdout
 * and stderr in frames (8-byte header: stream, 3 zero bytes, big-endian length); with a TTY the
 * bytes are raw. Frames and lines may be split anywhere across chunks, so state is kept.
 */
export class LogDecoder {
  private pending: Buffer = Buffer.alloc(0)
  private partial: Record<'stdout' | 'stderr', string> = { stdout: '', stderr: '' }
  /** The partial line already hit the cap: what follows up to its newline is dropped. */
  private cut: Record<'stdout' | 'stderr', boolean> = { stdout: false, stderr: false }
  private readonly utf8 = { stdout: new TextDecoder(), stderr: new TextDecoder() }

  constructor(
    private readonly tty: boolean,
    private readonly timestamps: boolean,
    private readonly maxLineChars = MAX_LINE_CHARS,
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
      const rest = this.cut[stream] ? this.partial[stream] : this.partial[stream] + this.utf8[stream].decode()
      const cut = this.cut[stream]
      this.partial[stream] = ''
      this.cut[stream] = false
      if (rest) lines.push(this.line(stream, rest, cut))
    }
    return lines
  }

  private text(stream: 'stdout' | 'stderr', bytes: Uint8Array): LogLine[] {
    let decoded = this.utf8[stream].decode(bytes, { stream: true })
    const lines: LogLine[] = []
    if (this.cut[stream]) {
      // Still inside a line that was cut: skip to its end.
      const newline = decoded.indexOf('\n')
      if (newline < 0) return lines
      lines.push(this.line(stream, this.partial[stream], true))
      this.partial[stream] = ''
      this.cut[stream] = false
      decoded = decoded.slice(newline + 1)
    }
    const parts = (this.partial[stream] + decoded).split('\n')
    let rest = parts.pop() ?? ''
    for (const p of parts) lines.push(this.line(stream, p, false))
    if (rest.length > this.maxLineChars) {
      rest = rest.slice(0, this.maxLineChars)
      this.cut[stream] = true
    }
    this.partial[stream] = rest
    return lines
  }

  private line(stream: 'stdout' | 'stderr', raw: string, cut: boolean): LogLine {
    let text = raw.endsWith('\r') ? raw.slice(0, -1) : raw
    let truncated = cut
    if (text.length > this.maxLineChars) {
      text = text.slice(0, this.maxLineChars)
      truncated = true
    }
    const mark = truncated ? { truncated: true as const } : {}
    if (!this.timestamps) return { stream, message: text, ...mark }
    // Docker prefixes each line with an RFC 3339 timestamp and a space when asked.
    const space = text.indexOf(' ')
    const stamp = space > 0 ? text.slice(0, space) : ''
    if (/^\d{4}-\d\d-\d\dT/.test(stamp)) return { stream, timestamp: stamp, message: text.slice(space + 1), ...mark }
    return { stream, message: text, ...mark }
  }
}

export function decodeLogs(bytes: Buffer, tty: boolean, timestamps: boolean): LogLine[] {
  const decoder = new LogDecoder(tty, timestamps)
  return [...decoder.push(bytes), ...decoder.end()]
}
