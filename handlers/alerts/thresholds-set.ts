import { createRouter } from '../../src/router'
import { AlertThresholdsPatch } from '../../src/schemas/monitoring'
import { validate } from '../../src/validate'
import { describeRoute } from '../../src/openapi/describe'
import { AlertSettingsResponse } from '../../src/schemas/monitoring-api'

/** Replaces the global override: fields left out fall back to the built-in defaults. */
export default createRouter().put(
  '/api/alerts/thresholds',
  describeRoute({
    summary: 'Replace the global alert threshold override',
    tags: ['alerts'],
    responses: { 200: AlertSettingsResponse },
  }),
  validate('json', AlertThresholdsPatch),
  async (c) => {
    const settings = await c.var.agent.setAlertThresholds(c.req.valid('json'), { signal: c.req.raw.signal })
    return c.json({ success: true, message: 'Alert thresholds saved', ...settings }, 200)
  },
)
