import { notFound } from '../../src/errors'
import { createRouter } from '../../src/router'
import { TemplateParams } from '../../src/schemas/template'
import { validate } from '../../src/validate'

export default createRouter().get('/api/templates/:id', validate('param', TemplateParams), async (c) => {
  const { id } = c.req.valid('param')
  const template = await c.var.stores.templates.get(id)
  if (!template) throw notFound('template', id)
  return c.json({ success: true, template }, 200)
})
