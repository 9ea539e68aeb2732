import { createRouter } from '../../src/router'
import { WebhookBody } from '../../src/schemas/monitoring'
import { validate } from '../../src/validate'

/** `{ url }`: an http(s) URL alerts are POSTed to (with retries and a timeout), or null to stop. */
export default createRouter().put('/api/alerts/webhook', validate('json', WebhookBody), async (c) => {
  const { url } = c.req.valid('json')
  const webhook = await c.var.agent.setAlertWebhook(url, { signal: c.req.raw.signal })
  return c.json({ success: true, message: url ? 'Alert webhook saved' : 'Alert webhook removed', webhook }, 200)
})
