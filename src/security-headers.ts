import { createMiddleware } from 'hono/factory'
import type { AppEnv } from './deps'

/**
 * The dashboard's Content-Security-Policy: every script and style comes from this origin, no
 * inline code, no framing. Template logos are user data and may point at any https host, so
 * images (only images) may come from elsewhere.
 */
export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: https:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ')

/** Headers on every dashboard page and asset, set after the handler so none can drop them. */
export const securityHeaders = () =>
  createMiddleware<AppEnv>(async (c, next) => {
    await next()
    c.header('Content-Security-Policy', DASHBOARD_CSP)
    c.header('X-Content-Type-Options', 'nosniff')
    c.header('Referrer-Policy', 'no-referrer')
    c.header('X-Frame-Options', 'DENY')
    c.header('Cross-Origin-Opener-Policy', 'same-origin')
    c.header('Cross-Origin-Resource-Policy', 'same-origin')
    c.header('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), payment=()')
  })
