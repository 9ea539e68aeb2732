import { createMiddleware } from 'hono/factory'
import type { AppEnv } from './deps'
import { setResponseHeader } from './response-header'

// What a caller's own X-Request-Id may be to be kept (as hono/request-id): word characters, - and =.
const CALLER_ID = /^[\w\-=]{1,255}$/

/**
 * Every request gets an id, in `c.get('requestId')`, the log line, error bodies and the
 * X-Request-Id header: the caller's own when it sends a usable one, else a new UUID. Ours
 * rather than hono/request-id, whose header goes through `c.header` (see setResponseHeader).
 */
export const requestId = () =>
  createMiddleware<AppEnv>((c, next) => {
    const given = c.req.header('x-request-id')
    const id = given !== undefined && CALLER_ID.test(given) ? given : crypto.randomUUID()
    c.set('requestId', id)
    setResponseHeader(c, 'X-Request-Id', id)
    return next()
  })
