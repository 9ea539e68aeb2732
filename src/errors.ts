import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { redactText } from './redact'

export interface ErrorDetail {
  path: string
  code: string
  message: string
}

/** An error the API reports to its caller: a status, a snake_case code and a human message. */
export class AppError extends HTTPException {
  readonly details?: ErrorDetail[] | Record<string, unknown>[]

  constructor(
    status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    details?: ErrorDetail[] | Record<string, unknown>[],
  ) {
    super(status, { message })
    this.name = 'AppError'
    // Every 400 lists what is wrong in `details`: one entry for the request when the cause has no finer path.
    this.details = details ?? (status === 400 ? [{ path: 'request', code, message }] : undefined)
  }

  declare readonly status: ContentfulStatusCode

  /** What the engine (or another system) said, for our log only: it may name hosts, paths, resolvers. */
  internal?: string
}

/** An AppError in our own words that keeps the raw reason for the log. */
export function withInternal(error: AppError, internal: string): AppError {
  error.internal = internal
  return error
}

export const badRequest = (message: string, details?: ErrorDetail[]) =>
  new AppError(400, 'invalid_input', message, details)
/**
 * A body that should be JSON and is not — broken or empty — is one cause with one answer on
 * every route: 400 `malformed_json`.
 */
export const malformedJson = (what = 'The request body', empty = false) => {
  const message = empty ? `${what} is empty; send a JSON document` : `${what} is not valid JSON`
  return new AppError(400, 'malformed_json', message, [
    { path: 'body', code: empty ? 'empty_body' : 'malformed_json', message },
  ])
}
export const unauthorized = (message = 'A valid bearer token is required') => new AppError(401, 'unauthorized', message)
export const forbidden = (message: string, code = 'forbidden') => new AppError(403, code, message)
export const notFound = (kind: string, id?: string) =>
  new AppError(404, 'not_found', id === undefined ? `${kind} not found` : `${kind} '${id}' not found`)
export const conflict = (message: string, code = 'conflict') => new AppError(409, code, message)
export const tooLarge = (message = 'Request body is too large') => new AppError(413, 'payload_too_large', message)
export const unprocessable = (message: string, details?: ErrorDetail[] | Record<string, unknown>[]) =>
  new AppError(422, 'invalid_entity', message, details)
export const tooManyRequests = () => new AppError(429, 'rate_limited', 'Too many requests, slow down')
export const dockerUnavailable = (message = 'The Docker Engine is not reachable') =>
  new AppError(503, 'docker_unavailable', message)
export const agentUnavailable = (message = 'The host agent is not reachable') =>
  new AppError(503, 'agent_unavailable', message)

/** The JSON body of every error response (ARCHITECTURE §4). */
export function errorBody(err: AppError, requestId: string | undefined) {
  return {
    success: false as const,
    // Messages quote what went wrong (a URL, a connection string): never its password.
    error: redactText(err.message),
    // The original API's clients read `message`; the same text as `error`.
    message: redactText(err.message),
    code: err.code,
    ...(err.details ? { details: err.details } : {}),
    ...(requestId ? { requestId } : {}),
  }
}

/** Rebuilds an AppError from an envelope another of our servers sent (the agent's HTTP API). */
export function errorFromEnvelope(status: number, body: unknown): AppError {
  const b = (body ?? {}) as { error?: unknown; code?: unknown; details?: unknown }
  const safeStatus = (status >= 400 && status <= 599 ? status : 502) as ContentfulStatusCode
  return new AppError(
    safeStatus,
    typeof b.code === 'string' ? b.code : 'agent_error',
    typeof b.error === 'string' ? b.error : `Agent answered ${status}`,
    Array.isArray(b.details) ? (b.details as ErrorDetail[]) : undefined,
  )
}
