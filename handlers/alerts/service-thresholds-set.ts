import { createRouter } from '../../src/router'
import { AlertThresholdsPatch } from '../../src/schemas/monitoring'
import { ServiceParams } from '../../src/schemas/params'
import { validate } from '../../src/validate'
import { describeRoute } from '../../src/openapi/describe'
import { ServiceAlertSettingsResponse } from '../../src/schemas/monitoring-api'

/** Replaces the service's override; `{}` makes it follow the global thresholds again. */
export default createRouter().put(
  '/api/services/:containerId/alerts/thresholds',
  describeRoute({
    summary: "Replace a service's alert threshold override",
    tags: ['alerts'],
    responses: { 200: ServiceAlertSettingsResponse },
  }),
  validate('param', ServiceParams),
  validate('json', AlertThresholdsPatch),
  async (c) => {
    const { containerId } = c.req.valid('param')
    const settings = await c.var.agent.setServiceAlertThresholds(containerId, c.req.valid('json'), {
      signal: c.req.raw.signal,
    })
    return c.json({ success: true, message: 'Service alert thresholds saved', ...settings }, 200)
  },
)
