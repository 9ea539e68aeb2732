import { notFound } from '../../src/errors'
import { createRouter } from '../../src/router'
import { TemplateParams } from '../../src/schemas/template'
import { validate } from '../../src/validate'
import { describeRoute } from '../../src/openapi/describe'
import { TemplateResponse } from '../../src/schemas/templates-api'

export default createRouter().get(
  '/api/templates/:id',
  describeRoute({ summary: 'One template', tags: ['templates'], responses: { 200: TemplateResponse } }),
  validate('param', TemplateParams),
  async (c) => {
    const { id } = c.req.valid('param')
    const template = await c.var.stores.templates.get(id)
    if (!template) throw notFound('template', id)
    return c.json({ success: true, template }, 200)
  },
)
