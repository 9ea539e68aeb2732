import { z } from 'zod'
import { createRouter } from '../../src/router'
import { validateTemplate } from '../../src/templates/validate'
import { validate } from '../../src/validate'
import { describeRoute } from '../../src/openapi/describe'
import { TemplateValidationResponse } from '../../src/schemas/templates-api'

/** The validator every write path uses, on its own: `{isValid, errors, warnings}`, nothing stored. */
export default createRouter().post(
  '/api/templates/validate',
  describeRoute({
    summary: 'Validate a template without storing it',
    tags: ['templates'],
    responses: { 200: TemplateValidationResponse },
  }),
  validate('json', z.unknown()),
  async (c) => {
    const { data, ...validation } = validateTemplate(c.req.valid('json'), c.var.config)
    return c.json({ success: true, ...validation, ...(data ? { template: data } : {}) }, 200)
  },
)
