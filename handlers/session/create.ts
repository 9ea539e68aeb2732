import { describeRoute } from '../../src/openapi/describe'
import { SessionResponse } from '../../src/schemas/system-api'
import { createRouter } from '../../src/router'
import { readSessionCookie, setSessionCookie } from '../../src/session-cookie'

// Fixed, not sliding: a stolen cookie stops working within a working day however it is used.
const SESSION_TTL_MS = 12 * 60 * 60 * 1000

/**
 * Signs a browser in: `{"token": "<API token>"}` (checked by requireAuth, see sessionSignInToken)
 * becomes an HttpOnly session cookie and the CSRF token that must accompany changes made by it.
 */
export default createRouter().post(
  '/api/session',
  describeRoute({
    summary: 'Sign a browser in: {"token": "<API token>"} becomes an HttpOnly session cookie and a CSRF token',
    tags: ['session'],
    responses: { 200: SessionResponse },
  }),
  async (c) => {
    const { sessions } = c.var.stores
    const now = c.var.clock.now()
    // A new sign-in replaces the browser's old session rather than leaving it valid beside it.
    const previous = readSessionCookie(c)
    if (previous) await sessions.remove(previous)
    const { id, csrfToken, expiresAt } = await sessions.create(SESSION_TTL_MS, now)
    setSessionCookie(c, id, expiresAt)
    c.header('Cache-Control', 'no-store')
    return c.json({ success: true, csrfToken, expiresAt }, 200)
  },
)
