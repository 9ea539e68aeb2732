import { z } from 'zod'
import { notFound, unprocessable } from '../../src/errors'
import { createRouter } from '../../src/router'
import { TemplateParams } from '../../src/schemas/template'
import { cloneTemplate } from '../../src/templates/clone'
import { summarise, templateData } from '../../src/templates/record'
import { validateTemplate } from '../../src/templates/validate'
import { validate } from '../../src/validate'
import { describeRoute } from '../../src/openapi/describe'
import { TemplateClonedResponse } from '../../src/schemas/templates-api'

/** `newName` as the original clients send it; `name` also works. */
const Body = z
  .strictObject({
    newName: z.string().trim().min(1).max(100).optional(),
    name: z.string().trim().min(1).max(100).optional(),
  })
  .refine((b) => b.newName ?? b.name, { message: 'newName is required', path: ['newName'] })

export default createRouter().post(
  '/api/templates/:id/clone',
  describeRoute({ summary: 'Clone a template', tags: ['templates'], responses: { 201: TemplateClonedResponse } }),
  validate('param', TemplateParams),
  validate('json', Body),
  async (c) => {
    const { id } = c.req.valid('param')
    const body = c.req.valid('json')
    const source = await c.var.stores.templates.get(id)
    if (!source) throw notFound('template', id)
    const clone = cloneTemplate(source, (body.newName ?? body.name)!, {
      id: crypto.randomUUID(),
      now: new Date(c.var.clock.now()),
    })
    // The new name goes through the same validator as every other write.
    const validation = validateTemplate(templateData(clone), c.var.config)
    if (!validation.data)
      throw unprocessable(`The clone is not valid: ${summarise(validation.errors)}`, validation.errors)
    const template = await c.var.stores.templates.create(clone)
    return c.json({ success: true, template, message: 'Template cloned successfully' }, 201)
  },
)
