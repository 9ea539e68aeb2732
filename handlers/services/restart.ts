import { createRouter } from '../../src/router'
import { StopQuery } from '../../src/schemas/lifecycle'
import { ServiceParams } from '../../src/schemas/params'
import { validate } from '../../src/validate'
import { describeRoute } from '../../src/openapi/describe'
import { ServiceActionResponse } from '../../src/schemas/services-api'

export default createRouter().post(
  '/api/services/:containerId/restart',
  describeRoute({ summary: 'Restart a service', tags: ['services'], responses: { 200: ServiceActionResponse } }),
  validate('param', ServiceParams),
  validate('query', StopQuery),
  async (c) => {
    const { containerId } = c.req.valid('param')
    const { timeout } = c.req.valid('query')
    const service = await c.var.agent.restartService(containerId, { signal: c.req.raw.signal, timeoutSeconds: timeout })
    return c.json({ success: true, message: 'Service restarted successfully', service }, 200)
  },
)
