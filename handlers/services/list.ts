import { createJsonCache } from '../../src/cached-json'
import { requestSignal } from '../../src/request-signal'
import { createRouter } from '../../src/router'
import { describeRoute } from '../../src/openapi/describe'
import { ServiceListResponse } from '../../src/schemas/services-api'

// The agent hands out the same list until a service changes: its text is kept with it.
const json = createJsonCache()

export default createRouter().get(
  '/api/services',
  describeRoute({
    summary: 'Managed services, running first, then newest',
    tags: ['services'],
    responses: { 200: ServiceListResponse },
  }),
  async (c) => {
    const services = await c.get('agent').listServices(requestSignal(c))
    return json(c, services, () => ({ success: true as const, services, total: services.length }), 200)
  },
)
