import { createRouter } from '../../src/router'
import { BulkBody, BulkParams } from '../../src/schemas/bulk'
import { validate } from '../../src/validate'
import { describeRoute } from '../../src/openapi/describe'
import { BulkResultSchema } from '../../src/schemas/system-api'

/** One operation over up to 100 services: 200 when all succeed, 207 when some fail. */
export default createRouter().post(
  '/api/services/bulk/:operation',
  describeRoute({
    summary: 'One operation over up to 100 services (207 when some fail)',
    tags: ['bulk'],
    responses: { 200: BulkResultSchema, 207: BulkResultSchema },
  }),
  validate('param', BulkParams),
  validate('json', BulkBody),
  async (c) => {
    const { operation } = c.req.valid('param')
    const { serviceIds, options } = c.req.valid('json')
    const result = await c.var.agent.bulkOperation(operation, serviceIds, { ...options, signal: c.req.raw.signal })
    return c.json(result, result.success ? 200 : 207)
  },
)
