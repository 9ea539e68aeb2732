import { notFound, unprocessable } from '../../src/errors'
import { createRouter } from '../../src/router'
import { TemplateParams } from '../../src/schemas/template'
import { slugify } from '../../src/templates/slug'
import { summarise, templateData } from '../../src/templates/record'
import { validateTemplate } from '../../src/templates/validate'
import { validate } from '../../src/validate'
import { TemplateBody } from './create'
import { describeRoute } from '../../src/openapi/describe'
import { TemplateWrittenResponse } from '../../src/schemas/templates-api'

/** Fields left out keep their values (the original clients send partial templates); the result is validated whole. */
export default createRouter().put(
  '/api/templates/:id',
  describeRoute({
    summary: 'Update a template (fields left out keep their values)',
    tags: ['templates'],
    responses: { 200: TemplateWrittenResponse },
  }),
  validate('param', TemplateParams),
  validate('json', TemplateBody),
  async (c) => {
    const { id } = c.req.valid('param')
    const existing = await c.var.stores.templates.get(id)
    if (!existing) throw notFound('template', id)
    const validation = validateTemplate({ ...templateData(existing), ...c.req.valid('json') }, c.var.config)
    if (!validation.data)
      throw unprocessable(`The template is not valid: ${summarise(validation.errors)}`, validation.errors)
    const template = await c.var.stores.templates.replace({
      ...validation.data,
      id,
      slug: slugify(validation.data.name),
      createdAt: existing.createdAt,
      createdBy: existing.createdBy,
      updatedAt: new Date(c.var.clock.now()).toISOString(),
    })
    return c.json(
      { success: true, template, warnings: validation.warnings, message: 'Template updated successfully' },
      200,
    )
  },
)
