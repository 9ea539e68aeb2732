import { createRouter } from '../../src/router'
import { describeRoute } from '../../src/openapi/describe'
import { HealthAllResponse } from '../../src/schemas/monitoring-api'

/** Every managed service, stopped ones too, from the collector's latest samples (no Docker call). */
export default createRouter().get(
  '/api/services/health/all',
  describeRoute({
    summary: 'Health of every managed service',
    tags: ['monitoring'],
    responses: { 200: HealthAllResponse },
  }),
  async (c) => {
    const overview = await c.var.agent.getAllHealth({ signal: c.req.raw.signal })
    return c.json({ success: true, ...overview, total: overview.services.length }, 200)
  },
)
