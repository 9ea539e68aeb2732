import type { Context } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import type { CookieOptions } from 'hono/utils/cookie'
import type { AppEnv } from './deps'

export const SESSION_COOKIE = 'zapie_session'

/** The request reached us over https, directly or through a proxy that terminated TLS. */
function overHttps(c: Context<AppEnv>): boolean {
  const forwarded = c.req.header('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase()
  return forwarded === 'https' || new URL(c.req.url).protocol === 'https:'
}

/**
 * HttpOnly so page scripts (and anything injected into them) never read it; Path=/api so it
 * goes nowhere else; SameSite from config. `None` is only honoured by browsers on a Secure
 * cookie, so it always gets Secure (the API must then be served over https).
 */
function cookieOptions(c: Context<AppEnv>): CookieOptions {
  const sameSite = c.var.config.sessionSameSite
  return { path: '/api', httpOnly: true, sameSite, secure: sameSite === 'None' || overHttps(c) }
}

export function readSessionCookie(c: Context<AppEnv>): string | undefined {
  return getCookie(c, SESSION_COOKIE) || undefined
}

export function setSessionCookie(c: Context<AppEnv>, id: string, expiresAt: string) {
  const maxAge = Math.max(0, Math.floor((Date.parse(expiresAt) - c.var.clock.now()) / 1000))
  setCookie(c, SESSION_COOKIE, id, { ...cookieOptions(c), maxAge })
}

/** Same attributes as when set: a browser keeps a Secure cookie that a plain deletion names. */
export function clearSessionCookie(c: Context<AppEnv>) {
  deleteCookie(c, SESSION_COOKIE, cookieOptions(c))
}
