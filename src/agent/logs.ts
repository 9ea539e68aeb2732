import type { Readable } from 'node:stream'
import type Docker from 'dockerode'
import type { LogLine, LogOptions } from '../schemas/service'
import { toAppError } from './docker-errors'
import { decodeLogs, LogDecoder } from './log-decoder'
import { resolveService } from './services'

function logParams(options: LogOptions) {
  return {
    stdout: true,
    stderr: true,
    tail: options.tail,
    timestamps: options.timestamps,
    ...(options.since !== undefined ? { since: options.since } : {}),
  }
}

async function resolveWithTty(docker: Docker, ref: string, signal?: AbortSignal) {
  const info = await resolveService(docker, ref, signal)
  const container = docker.getContainer(info.Id)
  const inspected = await container.inspect().catch((err) => {
    throw toAppError(err, 'service')
  })
  return { container, tty: Boolean(inspected.Config.Tty) }
}

export async function getLogs(docker: Docker, ref: string, options: LogOptions & { signal?: AbortSignal }): Promise<LogLine[]> {
  const { container, tty } = await resolveWithTty(docker, ref, options.signal)
  try {
    const bytes = (await container.logs({ ...logParams(options), follow: false })) as unknown as Buffer
    return decodeLogs(Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes), tty, options.timestamps)
  } catch (err) {
    throw toAppError(err, 'service')
  }
}

/** Streams lines until Docker ends the stream (the container stopped) or `signal` aborts. */
export async function* followLogs(docker: Docker, ref: string, options: LogOptions & { signal: AbortSignal }): AsyncIterable<LogLine> {
  const { container, tty } = await resolveWithTty(docker, ref, options.signal)
  let stream: Readable
  try {
    stream = (await container.logs({ ...logParams(options), follow: true })) as unknown as Readable
  } catch (err) {
    throw toAppError(err, 'service')
  }
  const stop = () => stream.destroy()
  options.signal.addEventListener('abort', stop, { once: true })
  const decoder = new LogDecoder(tty, options.timestamps)
  try {
    for await (const chunk of stream) yield* decoder.push(chunk as Buffer)
    yield* decoder.end()
  } catch (err) {
    if (!options.signal.aborted) throw toAppError(err, 'service')
  } finally {
    options.signal.removeEventListener('abort', stop)
    stream.destroy()
  }
}
