/** What the batch hands its lines on to: sonic-boom (pino.destination). */
export interface LineSink {
  write(text: string): unknown
  flushSync(): void
}

/** A batch is handed on at the latest when it holds this many characters. */
const MAX_BATCH_CHARS = 16 * 1024

/**
 * pino's stream on Node: the lines of one event-loop turn gathered in an array and handed to
 * sonic-boom as one string. sonic-boom measures its whole pending buffer (Buffer.byteLength)
 * on every write it is given, which made its share of a request line 2–4 µs; one write per turn
 * costs that once for all of them. A line waits at most until the end of the turn it was
 * logged in (setImmediate), so nothing sits in a buffer while the server is idle.
 */
export function createLineBatch(sink: LineSink) {
  let lines: string[] = []
  let chars = 0
  let scheduled = false
  const handOn = () => {
    scheduled = false
    if (lines.length === 0) return
    const text = lines.length === 1 ? lines[0]! : lines.join('')
    lines = []
    chars = 0
    sink.write(text)
  }
  return {
    write(line: string) {
      lines.push(line)
      chars += line.length
      if (chars >= MAX_BATCH_CHARS) handOn()
      else if (!scheduled) {
        scheduled = true
        setImmediate(handOn)
      }
    },
    /** Everything gathered and buffered, written out now (exit, shutdown). */
    flushSync() {
      handOn()
      sink.flushSync()
    },
  }
}
