import { createRouter } from '../../src/router'
import { describeRoute } from '../../src/openapi/describe'
import { ServiceListResponse } from '../../src/schemas/services-api'

export default createRouter().get(
  '/api/services',
  describeRoute({
    summary: 'Managed services, running first, then newest',
    tags: ['services'],
    responses: { 200: ServiceListResponse },
  }),
  async (c) => {
    const services = await c.var.agent.listServices({ signal: c.req.raw.signal })
    return c.json({ success: true, services, total: services.length }, 200)
  },
)
