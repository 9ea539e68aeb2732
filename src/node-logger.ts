import pino from 'pino'
import type { Logger, LogLevel, RequestLine } from './logger'
import { createLineBatch } from './log-batch'
import { redactText } from './redact'

/** Where the Node logger writes: a file descriptor (stdout by default) or a path. */
export type LogDestination = { fd: number } | { path: string }

// pino flushes its destination when the process exits, but not what is still in a batch: one
// exit listener for every logger (held weakly: tests make many) writes those out.
const atExit = new Set<WeakRef<() => void>>()
function flushOnExit(flush: () => void) {
  if (atExit.size === 0)
    process.once('exit', () => {
      for (const ref of atExit) ref.deref()?.()
    })
  atExit.add(new WeakRef(flush))
}

/**
 * How long a shutdown waits for the log's writes without any of them getting on: a reader that
 * keeps reading, however slowly, is waited for; one that stopped must not hold the shutdown.
 */
const SETTLE_IDLE_MS = 3000

// pino's isoTime, made once per millisecond: under load many lines share one, and
// toISOString was about 2 % of a request's time.
let lastMs = -1
let lastField = ''
function isoTimeField(): string {
  const now = Date.now()
  if (now !== lastMs) {
    lastMs = now
    lastField = `,"time":"${new Date(now).toISOString()}"`
  }
  return lastField
}

/**
 * The Node logger: pino writing through an asynchronous destination, so a request never waits
 * for its log line to reach stdout (a synchronous write per request was ~30 % of the server's
 * busy time), its lines handed over in batches at most 50 ms apart (src/log-batch.ts). Same
 * lines as createLogger: one JSON object each, `level` as a word, `msg`, an ISO `time`, URL
 * passwords and password= pairs hidden. `flush()` writes out what is buffered; so does exit.
 * `settle()`, for a shutdown, first waits for a write under way, while its reader keeps reading.
 */
export function createNodeLogger(
  level: LogLevel,
  to: LogDestination = { fd: 1 },
): Logger & { flush(): void; settle(idleMs?: number): Promise<void> } {
  const destination = pino.destination({ ...('fd' in to ? { dest: to.fd } : { dest: to.path }), sync: false })
  const batch = createLineBatch(destination)
  // sonic-boom's own flushSync writes at once only what waits behind a write under way: the
  // batch handed to it now would start one more asynchronous write, still in the thread pool
  // when flush returns (a line logged just before exit could be lost). With its `sync` set for
  // the moment (an instance field, read on each write; not in its types), it is written at once.
  // `_writing` (also an instance field) is true while a write is in the thread pool or waits
  // to be tried again after EAGAIN: flushSync leaves that chunk alone.
  const internals = destination as unknown as { sync: boolean; _writing: boolean }
  const flush = () => {
    internals.sync = true
    try {
      batch.flushSync()
    } catch {
      // Not open yet, or the reader went away: nothing more can be written.
    } finally {
      internals.sync = false
    }
  }
  flushOnExit(flush)
  // True once nothing is left to write; false after `idleMs` in which no write got on.
  const drained = (idleMs: number) =>
    new Promise<boolean>((resolve) => {
      let idle = setTimeout(() => end(false), idleMs)
      const progress = () => {
        clearTimeout(idle)
        idle = setTimeout(() => end(false), idleMs)
      }
      const done = () => end(true)
      const end = (allWritten: boolean) => {
        clearTimeout(idle)
        destination.off('drain', done)
        destination.off('write', progress)
        resolve(allWritten)
      }
      // sonic-boom says 'write' for every write that got on, 'drain' once nothing is left.
      destination.once('drain', done)
      destination.on('write', progress)
    })
  // A chunk under way when the process exits is lost, or cut mid-line, and flushSync writes
  // what came after it: with a reader slower than the log (a terminal, `| tee`, a container
  // runtime's log pipe), shutting down lost a run of lines. So a shutdown waits for it first.
  const settle = async (idleMs = SETTLE_IDLE_MS) => {
    batch.handOn()
    // Again if more lines started a write meanwhile; a reader that stopped: flush as before.
    while (internals._writing) if (!(await drained(idleMs))) break
    flush()
  }
  const log = pino(
    {
      level,
      base: undefined,
      timestamp: isoTimeField,
      formatters: { level: (label) => ({ level: label }) },
      // Callers never pass secrets on purpose; an engine message or URL may still carry one.
      hooks: { streamWrite: (line) => redactText(line) },
    },
    batch,
  )
  const requestsLogged = log.isLevelEnabled('info')
  return {
    debug: (fields) => log.debug(fields),
    info: (fields) => log.info(fields),
    warn: (fields) => log.warn(fields),
    error: (fields) => log.error(fields),
    // The line pino would write, made by hand for its one shape and redacted the same way:
    // pino's info() for it, its write included, cost 16–21 % of a small read's CPU, and this
    // about half of that (BENCHMARKS.md).
    request: (line) => {
      if (requestsLogged) batch.write(redactText(requestLineText(line)))
    },
    flush,
    settle,
  }
}

/** What pino writes for `info({ msg: 'request', ...line })` with the options above. */
function requestLineText(line: RequestLine): string {
  return `{"level":"info"${isoTimeField()},"msg":"request","requestId":${JSON.stringify(line.requestId)},"method":${JSON.stringify(line.method)},"path":${JSON.stringify(line.path)},"status":${line.status},"durationMs":${line.durationMs}}\n`
}
