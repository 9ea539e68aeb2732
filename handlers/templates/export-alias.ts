import { describeRoute } from '../../src/openapi/describe'
import { createRouter } from '../../src/router'
import { TemplateExportDocument } from '../../src/schemas/templates-api'
import { exportCatalogue } from '../../src/templates/export-catalogue'

/** The original API's path of the full export: the same document as GET /api/templates/export/all. */
export default createRouter().get(
  '/api/templates/export',
  describeRoute({
    summary: 'The whole catalogue (alias of /api/templates/export/all)',
    tags: ['templates'],
    responses: { 200: TemplateExportDocument },
  }),
  async (c) => {
    const { document, filename } = await exportCatalogue(c.var.stores.templates, new Date(c.var.clock.now()))
    c.header('Content-Disposition', `attachment; filename="${filename}"`)
    return c.json(document, 200)
  },
)
