import { createRouter } from '../../src/router'
import { describeRoute } from '../../src/openapi/describe'
import { MonitoringStatusResponse } from '../../src/schemas/monitoring-api'

export default createRouter().get(
  '/api/services/monitoring/status',
  describeRoute({
    summary: 'The collector and every monitored service',
    tags: ['monitoring'],
    responses: { 200: MonitoringStatusResponse },
  }),
  async (c) => {
    const monitoring = await c.var.agent.monitoringStatus({ signal: c.req.raw.signal })
    return c.json({ success: true, monitoring }, 200)
  },
)
