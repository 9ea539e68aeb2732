import { describeRoute } from '../../src/openapi/describe'
import { DOCS_CSS } from '../../src/openapi/docs-page'
import { createRouter } from '../../src/router'
import { STYLESHEET } from '../../src/schemas/system-api'

export default createRouter().get(
  '/api/docs/docs.css',
  describeRoute({
    summary: "The reference page's stylesheet",
    tags: ['docs'],
    responses: { 200: STYLESHEET },
    public: true,
  }),
  (c) => {
    c.header('X-Content-Type-Options', 'nosniff')
    c.header('Cache-Control', 'no-cache')
    return c.body(DOCS_CSS, 200, { 'Content-Type': 'text/css; charset=utf-8' })
  },
)
