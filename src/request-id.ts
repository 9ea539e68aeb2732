import { createMiddleware } from 'hono/factory'
import type { AppEnv } from './deps'
import { createRequestIdSource } from './request-id-source'
import { setResponseHeader } from './response-header'

// What a caller's own X-Request-Id may be to be kept (as hono/request-id): word characters, - and =.
const CALLER_ID = /^[\w\-=]{1,255}$/

/**
 * Every request gets an id, in `c.get('requestId')`, the log line, error bodies and the
 * X-Request-Id header: the caller's own when it sends a usable one, else a new one
 * (src/request-id-source.ts: a random prefix per process and a counter). Ours
 * rather than hono/request-id, whose header goes through `c.header` (see setResponseHeader).
 */
export const requestId = () => {
  const newId = createRequestIdSource()
  return createMiddleware<AppEnv>((c, next) => {
    const given = c.req.header('x-request-id')
    const id = given !== undefined && CALLER_ID.test(given) ? given : newId()
    c.set('requestId', id)
    setResponseHeader(c, 'X-Request-Id', id)
    return next()
  })
}
