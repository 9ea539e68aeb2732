import { z } from 'zod'
import { createRouter } from '../../src/router'
import { validateTemplate } from '../../src/templates/validate'
import { validate } from '../../src/validate'

/** The validator every write path uses, on its own: `{isValid, errors, warnings}`, nothing stored. */
export default createRouter().post('/api/templates/validate', validate('json', z.unknown()), async (c) => {
  const { data, ...validation } = validateTemplate(c.req.valid('json'), c.var.config)
  return c.json({ success: true, ...validation, ...(data ? { template: data } : {}) }, 200)
})
