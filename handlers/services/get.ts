import { createJsonCache } from '../../src/cached-json'
import { requestSignal } from '../../src/request-signal'
import { createRouter } from '../../src/router'
import { ServiceParams } from '../../src/schemas/params'
import { validate } from '../../src/validate'
import { describeRoute } from '../../src/openapi/describe'
import { ServiceGetResponse } from '../../src/schemas/services-api'

// The agent hands out the same details until the service changes: their text is kept with them.
const json = createJsonCache()

export default createRouter().get(
  '/api/services/:containerId',
  describeRoute({ summary: "A service's details", tags: ['services'], responses: { 200: ServiceGetResponse } }),
  validate('param', ServiceParams),
  async (c) => {
    const { containerId } = c.req.valid('param')
    const service = await c.get('agent').getService(containerId, requestSignal(c))
    return json(c, service, () => ({ success: true as const, service }), 200)
  },
)
