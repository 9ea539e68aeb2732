import type { Readable } from 'node:stream'
import type Docker from 'dockerode'
import { parseEnv, redactText, secretValuesOf } from '../redact'
import type { LogLine, LogOptions, LogsResult } from '../schemas/service'
import { toAppError } from './docker-errors'
import { secretNamesOf } from './labels'
import { LogDecoder } from './log-decoder'
import { resolveService } from './services'

/** Default cap on the message bytes one non-follow logs answer holds (ZAPIE_LOGS_MAX_BYTES). */
export const DEFAULT_LOGS_MAX_BYTES = 4 * 1024 * 1024

function logParams(options: LogOptions) {
  return {
    stdout: true,
    stderr: true,
    tail: options.tail,
    timestamps: options.timestamps,
    ...(options.since !== undefined ? { since: options.since } : {}),
  }
}

/**
 * `docker` resolves and inspects (short calls on the small pool); the logs themselves come from
 * `streams`, whose connections are the stream's own.
 */
async function resolveWithTty(docker: Docker, streams: Docker, ref: string, signal?: AbortSignal) {
  const info = await resolveService(docker, ref, signal)
  const inspected = await docker
    .getContainer(info.Id)
    .inspect()
    .catch((err) => {
      throw toAppError(err, 'service')
    })
  // A service that prints its own password (many print their connection string at start) must
  // not hand it to whoever reads the logs: its secret values are hidden line by line.
  const secrets = secretValuesOf(parseEnv(inspected.Config.Env ?? []), secretNamesOf(inspected.Config.Labels))
  const redact = (line: LogLine): LogLine => {
    const message = redactText(line.message, secrets)
    return message === line.message ? line : { ...line, message }
  }
  return { container: streams.getContainer(info.Id), tty: Boolean(inspected.Config.Tty), redact }
}

/**
 * dockerode buffers a non-follow logs answer whole (5000 lines of 100 KB each is half a GB);
 * asking the modem for a stream instead lets the lines be counted as they arrive.
 */
function openLogStream(
  container: Docker.Container,
  options: LogOptions & { follow: boolean; signal?: AbortSignal },
): Promise<Readable> {
  return new Promise((resolve, reject) => {
    container.modem.dial(
      {
        path: `/containers/${container.id}/logs?`,
        method: 'GET',
        abortSignal: options.signal,
        isStream: true,
        statusCodes: { 200: true, 404: 'no such container', 500: 'server error' },
        options: { ...logParams(options), follow: options.follow },
      },
      (err: unknown, stream: unknown) => (err ? reject(toAppError(err, 'service')) : resolve(stream as Readable)),
    )
  })
}

/**
 * The newest lines whose messages fit in `maxBytes`: older lines are dropped as newer ones
 * arrive, long lines are cut (MAX_LINE_CHARS), and `truncated` says either happened. Memory stays
 * near the cap however much the container wrote.
 */
export async function getLogs(
  docker: Docker,
  ref: string,
  options: LogOptions & { signal?: AbortSignal; maxBytes?: number; streams?: Docker },
): Promise<LogsResult> {
  const maxBytes = options.maxBytes ?? DEFAULT_LOGS_MAX_BYTES
  const { container, tty, redact } = await resolveWithTty(docker, options.streams ?? docker, ref, options.signal)
  const stream = await openLogStream(container, { ...options, follow: false })
  const decoder = new LogDecoder(tty, options.timestamps)
  const kept: { line: LogLine; bytes: number }[] = []
  let first = 0
  let bytes = 0
  let truncated = false
  const keep = (lines: LogLine[]) => {
    for (const line of lines) {
      const size = Buffer.byteLength(line.message) + 64
      if (line.truncated) truncated = true
      kept.push({ line, bytes: size })
      bytes += size
      while (bytes > maxBytes && first < kept.length) {
        bytes -= kept[first]!.bytes
        first += 1
        truncated = true
      }
      // Drop the dead head now and then instead of shifting on every line.
      if (first > 1024 && first * 2 > kept.length) {
        kept.splice(0, first)
        first = 0
      }
    }
  }
  try {
    for await (const chunk of stream) keep(decoder.push(chunk as Buffer))
    keep(decoder.end())
  } catch (err) {
    throw toAppError(err, 'service')
  } finally {
    stream.destroy()
  }
  return { logs: kept.slice(first).map((k) => redact(k.line)), truncated }
}

/**
 * Streams lines until Docker ends the stream (the container stopped) or `signal` aborts; an
 * abort at any point, even while the stream is still being opened, closes its connection.
 */
export async function* followLogs(
  docker: Docker,
  ref: string,
  options: LogOptions & { signal: AbortSignal; streams?: Docker },
): AsyncIterable<LogLine> {
  const { container, tty, redact } = await resolveWithTty(docker, options.streams ?? docker, ref, options.signal)
  const stream = await openLogStream(container, { ...options, follow: true })
  const stop = () => stream.destroy()
  if (options.signal.aborted) stop()
  options.signal.addEventListener('abort', stop, { once: true })
  const decoder = new LogDecoder(tty, options.timestamps)
  try {
    for await (const chunk of stream) yield* decoder.push(chunk as Buffer).map(redact)
    yield* decoder.end().map(redact)
  } catch (err) {
    if (!options.signal.aborted) throw toAppError(err, 'service')
  } finally {
    options.signal.removeEventListener('abort', stop)
    stream.destroy()
  }
}
