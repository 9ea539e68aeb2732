import { createMiddleware } from 'hono/factory'
import type { AppEnv } from './deps'
import { tooManyRequests } from './errors'

/**
 * A fixed one-minute window per client (ARCHITECTURE §5). Authenticated callers share the one
 * API token's budget; it stops a runaway script, not a determined attacker on loopback.
 */
export const rateLimit = () => {
  let windowStart = 0
  let counts = new Map<string, number>()
  return createMiddleware<AppEnv>(async (c, next) => {
    const limit = c.var.config.rateLimitPerMinute
    if (limit === 0) return next()
    const now = c.var.clock.now()
    if (now - windowStart >= 60_000) {
      windowStart = now
      counts = new Map()
    }
    const key = c.var.authenticated ? 'token' : 'anonymous'
    const used = (counts.get(key) ?? 0) + 1
    counts.set(key, used)
    c.header('RateLimit-Limit', String(limit))
    c.header('RateLimit-Remaining', String(Math.max(0, limit - used)))
    if (used > limit) {
      c.header('Retry-After', String(Math.ceil((windowStart + 60_000 - now) / 1000)))
      throw tooManyRequests()
    }
    return next()
  })
}
