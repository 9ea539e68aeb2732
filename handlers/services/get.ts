import { createRouter } from '../../src/router'
import { ServiceParams } from '../../src/schemas/params'
import { validate } from '../../src/validate'
import { describeRoute } from '../../src/openapi/describe'
import { ServiceGetResponse } from '../../src/schemas/services-api'

export default createRouter().get(
  '/api/services/:containerId',
  describeRoute({ summary: "A service's details", tags: ['services'], responses: { 200: ServiceGetResponse } }),
  validate('param', ServiceParams),
  async (c) => {
    const { containerId } = c.req.valid('param')
    const service = await c.var.agent.getService(containerId, { signal: c.req.raw.signal })
    return c.json({ success: true, service }, 200)
  },
)
