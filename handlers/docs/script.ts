import { describeRoute } from '../../src/openapi/describe'
import { DOCS_JS } from '../../src/openapi/docs-script'
import { createRouter } from '../../src/router'
import { SCRIPT } from '../../src/schemas/system-api'

export default createRouter().get(
  '/api/docs/docs.js',
  describeRoute({ summary: "The reference page's script", tags: ['docs'], responses: { 200: SCRIPT }, public: true }),
  (c) => {
    c.header('X-Content-Type-Options', 'nosniff')
    c.header('Cache-Control', 'no-cache')
    return c.body(DOCS_JS, 200, { 'Content-Type': 'text/javascript; charset=utf-8' })
  },
)
