import { AppError, conflict, dockerUnavailable, notFound } from '../errors'

interface DockerishError {
  statusCode?: number
  code?: string
  name?: string
  json?: { message?: string } | null
  message?: string
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOENT', 'EACCES', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH'])

/** Maps what dockerode throws onto our AppError vocabulary (STYLE: Errors). */
export function toAppError(err: unknown, what = 'container'): AppError {
  if (err instanceof AppError) return err
  const e = (err ?? {}) as DockerishError
  const message = e.json?.message ?? e.message ?? String(err)
  if (e.statusCode === 404) return notFound(what)
  if (e.statusCode === 409) return conflict(message)
  if (e.name === 'AbortError') return new AppError(503, 'aborted', 'The operation was aborted')
  if (e.code && UNREACHABLE.has(e.code)) return dockerUnavailable(`The Docker Engine is not reachable (${e.code})`)
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) return new AppError(400, 'docker_rejected', message)
  return new AppError(502, 'docker_error', `Docker Engine error: ${message}`)
}

/**
 * A start Docker refused (400: the command cannot run, a bad mount, …) is the same cause
 * whether it came from POST …/start, a restart or a deploy: 409 `start_failed` everywhere.
 */
export function startError(err: unknown): AppError {
  if (isStatus(err, 400)) return new AppError(409, 'start_failed', `Service could not start: ${toAppError(err).message}`)
  return toAppError(err)
}

export function isStatus(err: unknown, status: number): boolean {
  return (err as DockerishError | undefined)?.statusCode === status
}
