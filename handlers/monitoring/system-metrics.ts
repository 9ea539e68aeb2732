import { createRouter } from '../../src/router'
import { describeRoute } from '../../src/openapi/describe'
import { SystemMetricsResponse } from '../../src/schemas/monitoring-api'

/** Host CPU, load, memory, disks, container counts and Docker version; no network identifiers. */
export default createRouter().get(
  '/api/services/system/metrics',
  describeRoute({
    summary: 'Host CPU, load, memory, disks and container counts',
    tags: ['monitoring'],
    responses: { 200: SystemMetricsResponse },
  }),
  async (c) => {
    const metrics = await c.var.agent.systemMetrics({ signal: c.req.raw.signal })
    return c.json({ success: true, metrics }, 200)
  },
)
