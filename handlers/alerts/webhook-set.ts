import { checkWebhookUrl, webhookPolicyFromConfig, webhookRefusedError } from '../../src/net/webhook-policy'
import { createRouter } from '../../src/router'
import { WebhookBody } from '../../src/schemas/monitoring'
import { validate } from '../../src/validate'
import { describeRoute } from '../../src/openapi/describe'
import { WebhookResponse } from '../../src/schemas/monitoring-api'

/**
 * `{ url }`: an http(s) URL alerts are POSTed to (with retries and a timeout), or null to stop.
 * A destination on this host or the local network is a 422 unless the operator opted in; the
 * agent checks again after resolving the name, here and before every delivery.
 */
export default createRouter().put(
  '/api/alerts/webhook',
  describeRoute({ summary: 'Set or remove the alert webhook', tags: ['alerts'], responses: { 200: WebhookResponse } }),
  validate('json', WebhookBody),
  async (c) => {
    const { url } = c.req.valid('json')
    const refused = url ? checkWebhookUrl(webhookPolicyFromConfig(c.var.config), url) : null
    if (refused) throw webhookRefusedError(refused)
    const webhook = await c.var.agent.setAlertWebhook(url, { signal: c.req.raw.signal })
    return c.json({ success: true, message: url ? 'Alert webhook saved' : 'Alert webhook removed', webhook }, 200)
  },
)
