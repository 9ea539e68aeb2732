import { cors } from 'hono/cors'
import { createMiddleware } from 'hono/factory'
import type { AppEnv } from './deps'
import { setResponseHeader } from './response-header'

/**
 * Only configured origins are allowed, and only they are told credentials (the session cookie)
 * may go along: hono's `credentials: true` would say so to every origin.
 *
 * A request without an Origin header is not a cross-origin browser request and gets no CORS
 * headers, only `Vary: Origin` (its answer would differ with one). It skips hono's cors, which
 * creates the response object before the handler runs to put headers on it: the handler's own
 * response must then be rebuilt with those headers copied in, which made a plain JSON read
 * materialise a full web Response and stream (about a fifth of the server's busy time).
 */
export const corsFromConfig = () => {
  const crossOrigin = cors({
    origin: (origin, c) => {
      if (!c.get('config').corsOrigins.includes(origin)) return null
      c.res.headers.set('Access-Control-Allow-Credentials', 'true')
      return origin
    },
    allowHeaders: ['Authorization', 'Content-Type', 'Last-Event-ID', 'Range', 'X-Checksum-Sha256', 'X-CSRF-Token'],
    exposeHeaders: [
      'X-Request-Id',
      'Content-Disposition',
      'X-Checksum-Sha256',
      'Content-Range',
      'Accept-Ranges',
      'Content-Length',
    ],
    maxAge: 600,
  })
  return createMiddleware<AppEnv>((c, next) => {
    if (c.req.header('origin') !== undefined) return crossOrigin(c, next)
    setResponseHeader(c, 'Vary', 'Origin')
    return next()
  })
}
