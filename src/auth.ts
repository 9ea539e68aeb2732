import { createMiddleware } from 'hono/factory'
import type { AppEnv } from './deps'
import { unauthorized } from './errors'

const encoder = new TextEncoder()

/**
 * Compares two secrets in constant time. Both are hashed first, so neither the length nor the
 * position of the first difference shows in the timing. Web Crypto: the same on Node and Workers.
 */
export async function secretsEqual(given: string, expected: string): Promise<boolean> {
  const [a, b] = await Promise.all([
    crypto.subtle.digest('SHA-256', encoder.encode(given)),
    crypto.subtle.digest('SHA-256', encoder.encode(expected)),
  ])
  const x = new Uint8Array(a)
  const y = new Uint8Array(b)
  let diff = 0
  for (let i = 0; i < x.length; i++) diff |= x[i]! ^ y[i]!
  return diff === 0
}

export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')
  return match?.[1]
}

/** Paths anyone may call; they show less without a token. */
const PUBLIC = new Set(['/api/health'])

/**
 * Bearer token on every /api route (ARCHITECTURE §5), except the public ones; `GET /api/events`
 * also takes a single-use `?ticket=` because EventSource cannot send headers.
 */
export const requireAuth = () =>
  createMiddleware<AppEnv>(async (c, next) => {
    // Already signed in by the session cookie (sessionAuth, which also checked CSRF).
    if (c.var.session) return next()
    const expected = c.var.config.apiToken
    const given = bearerToken(c.req.header('authorization'))
    const valid = Boolean(expected && given && (await secretsEqual(given, expected)))
    c.set('authenticated', valid)
    if (valid || PUBLIC.has(c.req.path)) return next()
    const ticket = c.req.method === 'GET' && c.req.path === '/api/events' ? c.req.query('ticket') : undefined
    if (ticket && (await c.var.stores.tickets.consume(ticket, c.var.clock.now()))) {
      c.set('authenticated', true)
      return next()
    }
    throw unauthorized(given || ticket ? 'The token or ticket is not valid' : undefined)
  })
