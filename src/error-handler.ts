import type { Context, ErrorHandler, NotFoundHandler } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { AppEnv } from './deps'
import { AppError, errorBody, malformedJson } from './errors'

const CODE_BY_STATUS: Record<number, string> = {
  400: 'invalid_input',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'invalid_entity',
  429: 'rate_limited',
}

/** The one error handler: every failure leaves as the envelope; unknown errors are logged, not shown. */
export const handleError: ErrorHandler<AppEnv> = (err, c) => {
  let error: AppError
  if (err instanceof AppError) error = err
  else if (err instanceof HTTPException) {
    const status = err.status as ContentfulStatusCode
    // Hono's own 400s (malformed JSON, bad content type) and the body limit's 413. Hono says
    // "Malformed JSON" for an empty JSON body too (checkJsonBody lets those through): same cause, same answer.
    if (status === 400 && /^Malformed JSON/i.test(err.message)) error = malformedJson('The request body', true)
    else error = new AppError(status, CODE_BY_STATUS[status] ?? 'http_error', err.message || 'Request failed')
  } else {
    const entry = {
      msg: 'unhandled error',
      requestId: c.var.requestId,
      error: String(err),
      stack: (err as Error)?.stack,
    }
    // Before dependencies are resolved there is no logger yet; the error must still be seen.
    if (c.var.logger) c.var.logger.error(entry)
    else console.error(JSON.stringify({ level: 'error', ...entry }))
    error = new AppError(500, 'internal_error', 'Internal server error')
  }
  // The engine's own words (resolver addresses, host paths) stay here, with the request's id.
  if (error.internal)
    c.var.logger?.warn({ msg: 'request failed', requestId: c.var.requestId, code: error.code, detail: error.internal })
  if (err instanceof HTTPException && err.res) {
    for (const [k, v] of err.res.headers) if (k.toLowerCase() !== 'content-type') c.header(k, v)
  }
  return c.json(errorBody(error, requestIdOf(c)), error.status)
}

export const handleNotFound: NotFoundHandler<AppEnv> = (c) =>
  c.json(errorBody(new AppError(404, 'not_found', `No route for ${c.req.method} ${c.req.path}`), requestIdOf(c)), 404)

function requestIdOf(c: Context<AppEnv>): string | undefined {
  return c.var.requestId
}
