import { notFound } from '../../src/errors'
import { createRouter } from '../../src/router'
import { TemplateParams } from '../../src/schemas/template'
import { validate } from '../../src/validate'
import { describeRoute } from '../../src/openapi/describe'
import { OkMessage } from '../../src/schemas/errors'

/** A deleted default template stays deleted: seeding remembers what it seeded, not what exists. */
export default createRouter().delete(
  '/api/templates/:id',
  describeRoute({ summary: 'Delete a template', tags: ['templates'], responses: { 200: OkMessage } }),
  validate('param', TemplateParams),
  async (c) => {
    const { id } = c.req.valid('param')
    if (!(await c.var.stores.templates.remove(id))) throw notFound('template', id)
    return c.json({ success: true, message: 'Template deleted successfully' }, 200)
  },
)
