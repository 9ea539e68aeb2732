import { createRouter } from '../../src/router'
import { ServiceParams } from '../../src/schemas/params'
import { validate } from '../../src/validate'
import { describeRoute } from '../../src/openapi/describe'
import { ServiceActionResponse } from '../../src/schemas/services-api'

export default createRouter().post(
  '/api/services/:containerId/start',
  describeRoute({ summary: 'Start a service', tags: ['services'], responses: { 200: ServiceActionResponse } }),
  validate('param', ServiceParams),
  async (c) => {
    const { containerId } = c.req.valid('param')
    const service = await c.var.agent.startService(containerId, { signal: c.req.raw.signal })
    return c.json({ success: true, message: 'Service started successfully', service }, 200)
  },
)
