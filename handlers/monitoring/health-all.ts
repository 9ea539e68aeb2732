import { createJsonCache } from '../../src/cached-json'
import { requestSignal } from '../../src/request-signal'
import { createRouter } from '../../src/router'
import { describeRoute } from '../../src/openapi/describe'
import { HealthAllResponse } from '../../src/schemas/monitoring-api'

// The agent hands out the same overview while it says the same: its text is kept with it.
const json = createJsonCache()

/** Every managed service, stopped ones too, from the collector's latest samples (no Docker call). */
export default createRouter().get(
  '/api/services/health/all',
  describeRoute({
    summary: 'Health of every managed service',
    tags: ['monitoring'],
    responses: { 200: HealthAllResponse },
  }),
  async (c) => {
    const overview = await c.get('agent').getAllHealth(requestSignal(c))
    return json(c, overview, () => ({ success: true as const, ...overview, total: overview.services.length }), 200)
  },
)
