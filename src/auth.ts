import { createMiddleware } from 'hono/factory'
import { createAuthFailureGuard } from './auth-failures'
import type { AppEnv } from './deps'
import { AppError, unauthorized } from './errors'
import type { SecretCheck } from './secret-check'

const encoder = new TextEncoder()

/**
 * Compares two secrets in constant time. Both are hashed first, so neither the length nor the
 * position of the first difference shows in the timing. Web Crypto: the same on Node and Workers.
 */
export async function secretsEqual(given: string, expected: string): Promise<boolean> {
  return matchesDigest(given, await digestOf(expected))
}

const digestOf = (secret: string) => crypto.subtle.digest('SHA-256', encoder.encode(secret))

/**
 * The expected secret's digest, taken once per value rather than on every request (hashing both
 * sides per request was ~13 % of the server's busy time). A changed value is hashed anew.
 */
export function digestCache(): (expected: string) => Promise<ArrayBuffer> {
  let cached: { secret: string; digest: Promise<ArrayBuffer> } | undefined
  return (expected) => {
    if (cached?.secret !== expected) cached = { secret: expected, digest: digestOf(expected) }
    return cached.digest
  }
}

/** The check with Web Crypto, as on Workers: the expected digest taken once per value. */
export function webCryptoSecretCheck(): SecretCheck {
  const expectedDigest = digestCache()
  return async (given, expected) => matchesDigest(given, await expectedDigest(expected))
}

/** Constant-time comparison of a given secret with an expected secret's digest. */
export async function matchesDigest(given: string, expected: ArrayBuffer): Promise<boolean> {
  const x = new Uint8Array(await digestOf(given))
  const y = new Uint8Array(expected)
  let diff = 0
  for (let i = 0; i < x.length; i++) diff |= x[i]! ^ y[i]!
  return diff === 0
}

export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')
  return match?.[1]
}

/** Paths anyone may call; they show less without a token. */
// The API's description holds no secrets: anyone may read it (README, "API reference").
const PUBLIC = new Set(['/api/health', '/api/openapi.json', '/api/docs', '/api/docs/docs.js', '/api/docs/docs.css'])

/**
 * Bearer token on every /api route (ARCHITECTURE §5), except the public ones; `GET /api/events`
 * also takes a single-use `?ticket=` because EventSource cannot send headers.
 */
export const requireAuth = () => {
  // Per app: failed attempts are counted per client address, not shared by everyone.
  const failures = createAuthFailureGuard()
  const webCrypto = webCryptoSecretCheck()
  // Not async: with Node's check, a request with a good token goes on without a promise of
  // this step's own. c.get, not c.var: Hono's c.var copies every variable on each access.
  return createMiddleware<AppEnv>((c, next) => {
    const expected = c.get('config').apiToken
    const given = bearerToken(c.req.header('authorization'))
    const ticket = c.req.method === 'GET' && c.req.path === '/api/events' ? c.req.query('ticket') : undefined
    const now = c.get('clock').now()
    const client = c.get('client')
    if (given || ticket) {
      const wait = failures.retryAfter(client, now)
      if (wait) {
        c.header('Retry-After', String(wait))
        throw new AppError(
          429,
          'rate_limited',
          'Too many wrong tokens or tickets from this client; wait before trying again',
        )
      }
    }
    const check = c.get('secretCheck') ?? webCrypto
    const checked = expected && given ? check(given, expected) : false
    const decide = (valid: boolean) => {
      c.set('authenticated', valid)
      // A wrong token counts even where none is needed: the answer would still tell right from wrong.
      if (given && !valid) failures.fail(client, now)
      if (valid || PUBLIC.has(c.req.path)) return next()
      return byTicket()
    }
    const byTicket = async () => {
      if (ticket && (await c.get('stores').tickets.consume(ticket, now))) {
        c.set('authenticated', true)
        return next()
      }
      if (ticket && !given) failures.fail(client, now)
      throw unauthorized(given || ticket ? 'The token or ticket is not valid' : undefined)
    }
    return checked instanceof Promise ? checked.then(decide) : decide(checked)
  })
}
