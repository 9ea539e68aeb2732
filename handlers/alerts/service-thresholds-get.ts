import { createRouter } from '../../src/router'
import { ServiceParams } from '../../src/schemas/params'
import { validate } from '../../src/validate'
import { describeRoute } from '../../src/openapi/describe'
import { ServiceAlertSettingsResponse } from '../../src/schemas/monitoring-api'

/** A service's own overrides and the thresholds in effect for it. */
export default createRouter().get(
  '/api/services/:containerId/alerts/thresholds',
  describeRoute({
    summary: "A service's alert threshold override and the thresholds in effect",
    tags: ['alerts'],
    responses: { 200: ServiceAlertSettingsResponse },
  }),
  validate('param', ServiceParams),
  async (c) => {
    const { containerId } = c.req.valid('param')
    const settings = await c.var.agent.getServiceAlertSettings(containerId, { signal: c.req.raw.signal })
    return c.json({ success: true, ...settings }, 200)
  },
)
