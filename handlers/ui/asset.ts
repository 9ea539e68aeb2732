import { notFound } from '../../src/errors'
import { createRouter } from '../../src/router'
import { securityHeaders } from '../../src/security-headers'
import { UI_ASSETS } from '../../src/ui/assets.generated'

/** The dashboard's bundled JS and CSS, embedded at build time; names carry a content hash. */
export default createRouter().get('/assets/:file', securityHeaders(), (c) => {
  const file = c.req.param('file')
  const asset = Object.hasOwn(UI_ASSETS, file) ? UI_ASSETS[file] : undefined
  if (!asset) throw notFound('asset', file)
  c.header('Content-Type', asset.type)
  c.header('Cache-Control', 'public, max-age=31536000, immutable')
  return c.body(asset.body, 200)
})
