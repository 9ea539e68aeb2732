import { createMiddleware } from 'hono/factory'
import type { AppEnv } from './deps'

/** One structured line per request. The path only: queries may carry a ticket, headers a token. */
export const requestLog = () =>
  createMiddleware<AppEnv>(async (c, next) => {
    const started = performance.now()
    await next()
    // c.get, not c.var: Hono's c.var copies every variable into a new object on each access.
    c.get('logger').request({
      requestId: c.get('requestId'),
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
    })
  })
