import { createRouter } from '../../src/router'
import { MetricsQuery } from '../../src/schemas/monitoring'
import { ServiceParams } from '../../src/schemas/params'
import { validate } from '../../src/validate'
import { describeRoute } from '../../src/openapi/describe'
import { MetricsResponse } from '../../src/schemas/monitoring-api'

/** `current` plus `historical`: raw points for 1h, min/avg/max buckets for longer ranges. */
export default createRouter().get(
  '/api/services/:containerId/metrics',
  describeRoute({
    summary: "A service's current and historical metrics",
    tags: ['monitoring'],
    responses: { 200: MetricsResponse },
  }),
  validate('param', ServiceParams),
  validate('query', MetricsQuery),
  async (c) => {
    const { containerId } = c.req.valid('param')
    const { timeRange } = c.req.valid('query')
    const metrics = await c.var.agent.getMetrics(containerId, { timeRange, signal: c.req.raw.signal })
    return c.json({ success: true, metrics }, 200)
  },
)
