import { createRouter } from '../../src/router'
import { describeRoute } from '../../src/openapi/describe'
import { AlertSettingsResponse } from '../../src/schemas/monitoring-api'

/** Global thresholds in effect, the built-in defaults, the rule names and the webhook (redacted). */
export default createRouter().get(
  '/api/alerts/thresholds',
  describeRoute({
    summary: 'Global alert thresholds, defaults, rules and webhook',
    tags: ['alerts'],
    responses: { 200: AlertSettingsResponse },
  }),
  async (c) => {
    const settings = await c.var.agent.getAlertSettings({ signal: c.req.raw.signal })
    return c.json({ success: true, ...settings }, 200)
  },
)
