import pino from 'pino'
import type { Logger, LogLevel } from './logger'
import { redactText } from './redact'

/** Where the Node logger writes: a file descriptor (stdout by default) or a path. */
export type LogDestination = { fd: number } | { path: string }

/**
 * Lines are gathered up to this many bytes per write, and written at the latest after
 * FLUSH_EVERY_MS: one write per line was a thread-pool trip and a syscall per request, on the
 * same core as the requests. A SIGKILL loses at most that much of the log; an ordinary exit
 * or shutdown writes everything out.
 */
const BATCH_BYTES = 4096
export const FLUSH_EVERY_MS = 200

/**
 * The Node logger: pino writing through an asynchronous destination, so a request never waits
 * for its log line to reach stdout (a synchronous write per request was ~30 % of the server's
 * busy time). Same lines as createLogger: one JSON object each, `level` as a word, `msg`, an ISO
 * `time`, URL passwords and password= pairs hidden. `flush()` writes out what is buffered; pino
 * also does so when the process exits.
 */
export function createNodeLogger(level: LogLevel, to: LogDestination = { fd: 1 }): Logger & { flush(): void } {
  const destination = pino.destination({
    ...('fd' in to ? { dest: to.fd } : { dest: to.path }),
    sync: false,
    minLength: BATCH_BYTES,
    // sonic-boom's own timer: it writes what is gathered, and retries while a write is under way.
    periodicFlush: FLUSH_EVERY_MS,
  })
  const log = pino(
    {
      level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // Callers never pass secrets on purpose; an engine message or URL may still carry one.
      hooks: { streamWrite: (line) => redactText(line) },
    },
    destination,
  )
  return {
    debug: (fields) => log.debug(fields),
    info: (fields) => log.info(fields),
    warn: (fields) => log.warn(fields),
    error: (fields) => log.error(fields),
    flush() {
      try {
        destination.flushSync()
      } catch {
        // Not open yet, or the reader went away: nothing more can be written.
      }
    },
  }
}
