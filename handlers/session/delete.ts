import { describeRoute } from '../../src/openapi/describe'
import { OkMessage } from '../../src/schemas/errors'
import { createRouter } from '../../src/router'
import { clearSessionCookie } from '../../src/session-cookie'

/** Signs out: the session record goes, so the cookie is worthless even if a copy survives. */
export default createRouter().delete(
  '/api/session',
  describeRoute({ summary: 'Sign out', tags: ['session'], responses: { 200: OkMessage } }),
  async (c) => {
    const session = c.var.session
    if (session) await c.var.stores.sessions.remove(session.id)
    clearSessionCookie(c)
    return c.json({ success: true, message: 'Signed out' }, 200)
  },
)
