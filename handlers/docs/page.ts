import { describeRoute } from '../../src/openapi/describe'
import { DOCS_CSP, DOCS_HTML } from '../../src/openapi/docs-page'
import { createRouter } from '../../src/router'
import { HTML_PAGE } from '../../src/schemas/system-api'

/** The interactive reference; every asset is ours, so it works offline. */
export default createRouter().get(
  '/api/docs',
  describeRoute({
    summary: 'Interactive API reference (HTML)',
    tags: ['docs'],
    responses: { 200: HTML_PAGE },
    public: true,
  }),
  (c) => {
    c.header('Content-Security-Policy', DOCS_CSP)
    c.header('X-Content-Type-Options', 'nosniff')
    c.header('Cache-Control', 'no-cache')
    return c.html(DOCS_HTML, 200)
  },
)
