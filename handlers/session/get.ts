import { describeRoute } from '../../src/openapi/describe'
import { SessionStateResponse } from '../../src/schemas/system-api'
import { unauthorized } from '../../src/errors'
import { createRouter } from '../../src/router'

/** Whether this browser is signed in, and the CSRF token a reloaded page needs again. */
export default createRouter().get(
  '/api/session',
  describeRoute({
    summary: 'Whether this browser is signed in, and its CSRF token',
    tags: ['session'],
    responses: { 200: SessionStateResponse },
  }),
  (c) => {
    const session = c.var.session
    if (!session) throw unauthorized('Not signed in: POST /api/session with the API token')
    c.header('Cache-Control', 'no-store')
    return c.json(
      { success: true, authenticated: true, csrfToken: session.csrfToken, expiresAt: session.expiresAt },
      200,
    )
  },
)
