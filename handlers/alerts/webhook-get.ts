import { createRouter } from '../../src/router'
import { describeRoute } from '../../src/openapi/describe'
import { WebhookResponse } from '../../src/schemas/monitoring-api'

/** Whether a webhook is set; its URL only as scheme and host (the rest is often its secret). */
export default createRouter().get(
  '/api/alerts/webhook',
  describeRoute({ summary: 'Whether an alert webhook is set', tags: ['alerts'], responses: { 200: WebhookResponse } }),
  async (c) => {
    const { webhook } = await c.var.agent.getAlertSettings({ signal: c.req.raw.signal })
    return c.json({ success: true, webhook }, 200)
  },
)
