import { createRouter } from '../../src/router'
import { ServiceParams } from '../../src/schemas/params'
import { validate } from '../../src/validate'
import { describeRoute } from '../../src/openapi/describe'
import { MonitoringChangeResponse } from '../../src/schemas/monitoring-api'

export default createRouter().post(
  '/api/services/:containerId/monitoring/stop',
  describeRoute({
    summary: 'Stop monitoring a service',
    tags: ['monitoring'],
    responses: { 200: MonitoringChangeResponse },
  }),
  validate('param', ServiceParams),
  async (c) => {
    const { containerId } = c.req.valid('param')
    const monitoring = await c.var.agent.stopMonitoring(containerId, { signal: c.req.raw.signal })
    return c.json({ success: true, message: 'Monitoring stopped', monitoring }, 200)
  },
)
