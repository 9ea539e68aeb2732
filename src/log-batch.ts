/** What the batch hands its lines on to: sonic-boom (pino.destination). */
export interface LineSink {
  write(text: string): unknown
  flushSync(): void
}

/**
 * A batch is handed on at the latest when it holds this many characters (about a thousand
 * request lines)... Each hand-on is a write through the thread pool, which on a loaded core
 * preempts the event loop: at 16 KB small reads cost up to 3 % more CPU (BENCHMARKS.md).
 */
export const MAX_BATCH_CHARS = 256 * 1024
/** ...or this long after its first line was logged. */
const MAX_WAIT_MS = 50

/**
 * pino's stream on Node: lines gathered in an array and handed to sonic-boom as one string, at
 * most MAX_WAIT_MS after the first of them. Each hand-on is an asynchronous write, a round trip
 * through the thread pool; handed on once per event-loop turn, as before, a server answering
 * a few thousand requests a second made one per request, about a fifth of its busy time. A
 * timer instead makes it at most 20 a second, whatever the rate. (sonic-boom also measures its
 * pending buffer on every write it is given, which made its share of a line 2–4 µs.) The timer
 * never keeps the process alive: lines still waiting at exit are written by flushSync.
 */
export function createLineBatch(sink: LineSink, waitMs = MAX_WAIT_MS) {
  let lines: string[] = []
  let chars = 0
  let timer: ReturnType<typeof setTimeout> | undefined
  const handOn = () => {
    if (timer !== undefined) clearTimeout(timer)
    timer = undefined
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
      else if (timer === undefined) {
        timer = setTimeout(handOn, waitMs)
        timer.unref()
      }
    },
    /** What is gathered, handed on now; the destination writes it asynchronously. */
    handOn,
    /** Everything gathered and buffered, written out now (exit, shutdown). */
    flushSync() {
      handOn()
      sink.flushSync()
    },
  }
}
