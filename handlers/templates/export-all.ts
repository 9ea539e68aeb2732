import { createRouter } from '../../src/router'
import { exportCatalogue } from '../../src/templates/export-catalogue'
import { describeRoute } from '../../src/openapi/describe'
import { TemplateExportDocument } from '../../src/schemas/templates-api'

/** The whole catalogue as a versioned document, offered as a file download. */
export default createRouter().get(
  '/api/templates/export/all',
  describeRoute({
    summary: 'The whole catalogue as a versioned JSON download',
    tags: ['templates'],
    responses: { 200: TemplateExportDocument },
  }),
  async (c) => {
    const { document, filename } = await exportCatalogue(c.var.stores.templates, new Date(c.var.clock.now()))
    c.header('Content-Disposition', `attachment; filename="${filename}"`)
    return c.json(document, 200)
  },
)
