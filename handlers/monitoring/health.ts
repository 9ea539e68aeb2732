import { createRouter } from '../../src/router'
import { ServiceParams } from '../../src/schemas/params'
import { validate } from '../../src/validate'
import { describeRoute } from '../../src/openapi/describe'
import { HealthResponse } from '../../src/schemas/monitoring-api'

export default createRouter().get(
  '/api/services/:containerId/health',
  describeRoute({ summary: "A service's health", tags: ['monitoring'], responses: { 200: HealthResponse } }),
  validate('param', ServiceParams),
  async (c) => {
    const { containerId } = c.req.valid('param')
    const health = await c.var.agent.getHealth(containerId, { signal: c.req.raw.signal })
    return c.json({ success: true, health }, 200)
  },
)
