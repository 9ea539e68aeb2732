import type { Context, MiddlewareHandler, Next } from 'hono'
import { createMiddleware } from 'hono/factory'
import { secretsEqual } from './auth'
import type { AppEnv } from './deps'
import { AppError, badRequest, forbidden } from './errors'
import { assertJsonDepth } from './json-depth'
import { isJsonType, unsupportedMediaType } from './json-type'
import { clearSessionCookie, readSessionCookie } from './session-cookie'

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])
// What may travel in an Authorization header; anything else can never be the token.
const HEADER_SAFE = /^[\x21-\x7e]{1,4096}$/

/**
 * `POST /api/session {"token": …}` is the one request whose API token arrives in the body. It is
 * handed on as the bearer token, so sign-in goes through requireAuth like every other request —
 * the same constant-time comparison, the same accounting of failed attempts — rather than
 * through a second check of its own.
 */
export const sessionSignInToken = () =>
  createMiddleware<AppEnv>((c, next) =>
    // Every other request passes straight on, without an async step of its own.
    c.req.method !== 'POST' || c.req.path !== '/api/session' || c.req.header('authorization')
      ? next()
      : signIn(c, next),
  )

async function signIn(c: Context<AppEnv>, next: Next) {
  if (!isJsonType(c.req.header('content-type'))) throw unsupportedMediaType()
  const text = await c.req.text()
  assertJsonDepth(text)
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    throw new AppError(400, 'malformed_json', 'The request body is not valid JSON')
  }
  const token = (body as { token?: unknown } | null)?.token
  if (typeof token !== 'string' || token === '') {
    throw badRequest('Send the API token as {"token": "<API token>"}', [
      { path: 'json.token', code: 'invalid_type', message: 'the API token, a string, is required' },
    ])
  }
  const headers = new Headers(c.req.raw.headers)
  // `-` is shorter than any token may be: a token that cannot be a header value is simply wrong.
  headers.set('authorization', `Bearer ${HEADER_SAFE.test(token) ? token : '-'}`)
  c.req.raw = new Request(c.req.raw.url, { method: 'POST', headers, body: text, signal: c.req.raw.signal })
  await next()
}

/** The API's own origin as the browser sees it (a proxy in front may terminate TLS). */
function ownOrigin(c: Context<AppEnv>): string {
  const url = new URL(c.req.url)
  const proto = c.req.header('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase()
  return `${proto === 'https' || proto === 'http' ? `${proto}:` : url.protocol}//${c.req.header('host') ?? url.host}`
}

/**
 * Authenticates a request without an Authorization header by its `zapie_session` cookie. A
 * browser sends cookies with requests other sites make it send, so a cookie alone is not
 * enough to change anything: a state-changing request must also carry the session's
 * `X-CSRF-Token` (which only our own pages, or an allowed origin's, can read), and no request
 * by cookie is accepted from an origin that is neither ours nor in ZAPIE_CORS_ORIGINS.
 * Bearer-token clients never reach any of this.
 */
export const sessionAuth = () =>
  createMiddleware<AppEnv>((c, next) =>
    // A bearer token never reaches any of this (nor an async step of its own).
    c.req.header('authorization') ? next() : byCookie(c, next),
  )

async function byCookie(c: Context<AppEnv>, next: Next) {
  const id = readSessionCookie(c)
  if (!id) return next()
  const session = await c.var.stores.sessions.find(id, c.var.clock.now())
  if (!session) {
    // Unknown or expired: drop the cookie; requireAuth answers 401 where a token is needed.
    clearSessionCookie(c)
    return next()
  }
  const origin = c.req.header('origin')
  if (origin !== undefined && origin !== ownOrigin(c) && !c.var.config.corsOrigins.includes(origin)) {
    throw forbidden(
      `Requests signed in by cookie are not accepted from ${origin.slice(0, 200)}; add it to ZAPIE_CORS_ORIGINS`,
      'csrf_failed',
    )
  }
  if (!SAFE_METHODS.has(c.req.method)) {
    const given = c.req.header('x-csrf-token')
    if (!given || !(await secretsEqual(given, session.csrfToken))) {
      throw forbidden(
        'Send the X-CSRF-Token header from POST or GET /api/session with every change made by cookie',
        'csrf_failed',
      )
    }
  }
  c.set('session', { ...session, id })
  c.set('authenticated', true)
  await next()
}

/** Runs `check` (requireAuth) only for requests the session cookie did not already sign in. */
export const unlessSignedIn = (check: MiddlewareHandler<AppEnv>) =>
  // c.get, not c.var: Hono's c.var copies every variable into a new object on each access.
  createMiddleware<AppEnv>((c, next) => (c.get('session') ? next() : check(c, next)))
