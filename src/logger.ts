import { redactText } from './redact'

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const
export type LogLevel = keyof typeof LEVELS

/**
 * Structured logging: one JSON object per line, URL passwords and password= pairs hidden. This
 * one writes with `console` (Workers, tests); Node uses createNodeLogger (asynchronous).
 */
export interface Logger {
  debug(fields: Record<string, unknown>): void
  info(fields: Record<string, unknown>): void
  warn(fields: Record<string, unknown>): void
  error(fields: Record<string, unknown>): void
  /** The request log's line (src/request-log.ts): the line `info({ msg: 'request', ...line })` writes. */
  request(line: RequestLine): void
  /** Writes out buffered lines (an asynchronous destination); called before the process exits. */
  flush?(): void
}

/** What the request log says of each answer (a type alias: a logger taking any fields takes it too). */
export type RequestLine = {
  requestId: string
  method: string
  path: string
  status: number
  durationMs: number
}

export function createLogger(level: LogLevel, write: (line: string) => void = (l) => console.log(l)): Logger {
  const at = (name: Exclude<LogLevel, 'silent'>) => (fields: Record<string, unknown>) => {
    if (LEVELS[name] < LEVELS[level]) return
    // Callers never pass secrets on purpose; an engine message or URL may still carry one.
    write(redactText(JSON.stringify({ time: new Date().toISOString(), level: name, ...fields })))
  }
  const info = at('info')
  return {
    debug: at('debug'),
    info,
    warn: at('warn'),
    error: at('error'),
    request: (line) => info({ msg: 'request', ...line }),
  }
}

export const silentLogger: Logger = createLogger('silent')
