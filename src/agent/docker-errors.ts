import { AppError, conflict, dockerUnavailable, notFound, withInternal } from '../errors'

interface DockerishError {
  statusCode?: number
  code?: string
  name?: string
  json?: { message?: string } | null
  message?: string
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOENT', 'EACCES', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH'])

/**
 * Maps what dockerode throws onto our AppError vocabulary (STYLE: Errors). The client gets our
 * own words: the engine's message can name its resolver, host paths or other containers. The
 * raw message rides along as `internal`, which only the log sees.
 */
export function toAppError(err: unknown, what = 'container'): AppError {
  if (err instanceof AppError) return err
  const e = (err ?? {}) as DockerishError
  const raw = e.json?.message ?? e.message ?? String(err)
  const mapped = (() => {
    if (e.statusCode === 404) return notFound(what)
    if (e.statusCode === 409)
      return conflict(`The Docker Engine refused this: the ${what} is in a conflicting state or name`)
    if (e.name === 'AbortError') return new AppError(503, 'aborted', 'The operation was aborted')
    if (e.code && UNREACHABLE.has(e.code)) return dockerUnavailable(`The Docker Engine is not reachable (${e.code})`)
    if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500)
      return new AppError(400, 'docker_rejected', `The Docker Engine rejected the request for the ${what}`)
    return new AppError(502, 'docker_error', `The Docker Engine failed to handle the request for the ${what}`)
  })()
  return withInternal(mapped, raw)
}

/** Why a pull failed, in our words; the registry's and resolver's details stay in the log. */
export function pullFailureReason(raw: string): string {
  if (/denied|unauthori[sz]ed|authentication required|forbidden/i.test(raw))
    return 'the registry refused access to it, or it does not exist there'
  if (/manifest unknown|not found|does not exist|no such image/i.test(raw)) return 'the registry has no such image'
  if (/lookup|no such host|dial|connect|timeout|timed out|unreachable|tls|certificate|eof|reset/i.test(raw))
    return 'no registry could be reached'
  if (/\b5\d\d\b|server error|service unavailable|bad gateway/i.test(raw))
    return 'the registry answered with a server error; try again later'
  return 'the Docker Engine reported an error while pulling'
}

/**
 * A start Docker refused (400: the command cannot run, a bad mount, …) is the same cause
 * whether it came from POST …/start, a restart or a deploy: 409 `start_failed` everywhere.
 */
export function startError(err: unknown): AppError {
  if (!isStatus(err, 400)) return toAppError(err)
  const raw = toAppError(err).internal ?? ''
  return withInternal(new AppError(409, 'start_failed', `Service could not start: ${startFailureReason(raw)}`), raw)
}

export function isStatus(err: unknown, status: number): boolean {
  return (err as DockerishError | undefined)?.statusCode === status
}

/**
 * Why the runtime could not start a container, in our words: the command the service's own
 * template named, never the runtime's paths and internals (those go to the log).
 */
export function startFailureReason(raw: string): string {
  const exec = /exec: "([^"]{1,200})"/.exec(raw)
  if (exec && /no such file or directory|not found/i.test(raw)) return `its command "${exec[1]}" is not in the image`
  if (exec && /permission denied/i.test(raw)) return `its command "${exec[1]}" is not executable`
  if (/port is already allocated|address already in use/i.test(raw)) return 'a host port it needs is already in use'
  if (/mount|bind source path/i.test(raw)) return 'one of its mounts could not be set up'
  return 'the container runtime refused to start it'
}
