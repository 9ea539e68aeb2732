import { createMiddleware } from 'hono/factory'
import type { AppEnv } from './deps'
import { tooManyRequests } from './errors'
import { setResponseHeader } from './response-header'

/** Anonymous clients remembered per window; past it the rest share one budget, so memory stays bounded. */
const MAX_ANONYMOUS_CLIENTS = 10_000

/**
 * A fixed one-minute window per client (ARCHITECTURE §5). Authenticated callers share the one
 * API token's budget; it stops a runaway script, not a determined attacker on loopback.
 * Anonymous callers each have their own budget by address, so one client hammering
 * /api/health cannot make it answer 429 for everyone else.
 */
export const rateLimit = () => {
  let windowStart = 0
  let counts = new Map<string, number>()
  // Not async: nothing here waits, so no promise of its own per request.
  return createMiddleware<AppEnv>((c, next) => {
    // c.get, not c.var: Hono's c.var copies every variable into a new object on each access.
    const limit = c.get('config').rateLimitPerMinute
    if (limit === 0) return next()
    const now = c.get('clock').now()
    if (now - windowStart >= 60_000) {
      windowStart = now
      counts = new Map()
    }
    let key = c.get('authenticated') ? 'token' : `anonymous:${c.get('client')}`
    if (!counts.has(key) && counts.size >= MAX_ANONYMOUS_CLIENTS) key = 'anonymous:overflow'
    const used = (counts.get(key) ?? 0) + 1
    counts.set(key, used)
    setResponseHeader(c, 'RateLimit-Limit', String(limit))
    setResponseHeader(c, 'RateLimit-Remaining', String(Math.max(0, limit - used)))
    if (used > limit) {
      setResponseHeader(c, 'Retry-After', String(Math.ceil((windowStart + 60_000 - now) / 1000)))
      throw tooManyRequests()
    }
    return next()
  })
}
