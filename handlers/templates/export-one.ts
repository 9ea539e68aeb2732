import { notFound } from '../../src/errors'
import { createRouter } from '../../src/router'
import { TemplateParams } from '../../src/schemas/template'
import { exportTemplates } from '../../src/templates/exchange'
import { validate } from '../../src/validate'
import { describeRoute } from '../../src/openapi/describe'
import { TemplateExportDocument } from '../../src/schemas/templates-api'

/** One template in the same versioned document as the full export, so import takes either. */
export default createRouter().get(
  '/api/templates/:id/export',
  describeRoute({
    summary: 'One template as the same export document',
    tags: ['templates'],
    responses: { 200: TemplateExportDocument },
  }),
  validate('param', TemplateParams),
  async (c) => {
    const { id } = c.req.valid('param')
    const template = await c.var.stores.templates.get(id)
    if (!template) throw notFound('template', id)
    c.header('Content-Disposition', `attachment; filename="zapierakyat-template-${template.slug}.json"`)
    return c.json(exportTemplates([template], new Date(c.var.clock.now())), 200)
  },
)
