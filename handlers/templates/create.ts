import { z } from 'zod'
import { unprocessable } from '../../src/errors'
import { createRouter } from '../../src/router'
import { newTemplate, summarise } from '../../src/templates/record'
import { validateTemplate } from '../../src/templates/validate'
import { validate } from '../../src/validate'
import { describeRoute } from '../../src/openapi/describe'
import { TemplateWrittenResponse } from '../../src/schemas/templates-api'

/** Any JSON object: the template validator, not the body schema, judges its fields (422 with paths). */
export const TemplateBody = z.record(z.string(), z.unknown())

export default createRouter().post(
  '/api/templates',
  describeRoute({ summary: 'Create a template', tags: ['templates'], responses: { 201: TemplateWrittenResponse } }),
  validate('json', TemplateBody),
  async (c) => {
    const validation = validateTemplate(c.req.valid('json'), c.var.config)
    if (!validation.data)
      throw unprocessable(`The template is not valid: ${summarise(validation.errors)}`, validation.errors)
    const template = await c.var.stores.templates.create(
      newTemplate(validation.data, { id: crypto.randomUUID(), now: new Date(c.var.clock.now()), createdBy: 'user' }),
    )
    return c.json(
      { success: true, template, warnings: validation.warnings, message: 'Template created successfully' },
      201,
    )
  },
)
