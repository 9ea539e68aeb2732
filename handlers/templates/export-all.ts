import { createRouter } from '../../src/router'
import { exportTemplates } from '../../src/templates/exchange'

/** The whole catalogue as a versioned document, offered as a file download. */
export default createRouter().get('/api/templates/export/all', async (c) => {
  const { templates } = await c.var.stores.templates.list()
  const now = new Date(c.var.clock.now())
  const sorted = [...templates].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id))
  c.header('Content-Disposition', `attachment; filename="zapierakyat-templates-${now.toISOString().slice(0, 10)}.json"`)
  return c.json(exportTemplates(sorted, now), 200)
})
