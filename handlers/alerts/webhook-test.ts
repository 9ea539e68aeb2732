import { AppError, conflict } from '../../src/errors'
import {
  checkWebhookUrl,
  webhookPolicyFromConfig,
  webhookRefusedError,
  type WebhookRule,
} from '../../src/net/webhook-policy'
import { describeRoute } from '../../src/openapi/describe'
import { createRouter } from '../../src/router'
import { WebhookTestBody } from '../../src/schemas/monitoring'
import { WebhookTestResponse } from '../../src/schemas/monitoring-api'
import { ErrorBody } from '../../src/schemas/errors'
import { validate } from '../../src/validate'

/**
 * Sends one test alert to `{ url }` (test before saving) or, without one, to the saved webhook,
 * and says what happened: delivered, an HTTP error, a timeout, a refused connection, a network
 * error — each a 200 the dashboard shows beside its button. Nothing is sent to a destination
 * the policy refuses (422, judged here for literals and by the agent after DNS), while another
 * test runs or just ran (429 with Retry-After), or when there is nothing to test (409).
 */
export default createRouter().post(
  '/api/alerts/webhook/test',
  describeRoute({
    summary: 'Send a test alert to the webhook',
    tags: ['alerts'],
    responses: { 200: WebhookTestResponse, 409: ErrorBody, 422: ErrorBody, 429: ErrorBody },
  }),
  validate('json', WebhookTestBody),
  async (c) => {
    const url = c.req.valid('json').url ?? null
    const early = url ? checkWebhookUrl(webhookPolicyFromConfig(c.var.config), url) : null
    if (early) throw webhookRefusedError(early)
    const result = await c.var.agent.testAlertWebhook(url, { signal: c.req.raw.signal })
    switch (result.outcome) {
      case 'refused':
        throw webhookRefusedError({ ...result, rule: result.rule as WebhookRule })
      case 'busy':
        c.header('Retry-After', String(result.retryAfterSeconds))
        throw new AppError(429, 'webhook_test_busy', result.message)
      case 'not_configured':
        throw conflict(result.message, 'webhook_not_configured')
      default:
        return c.json({ success: true, test: result }, 200)
    }
  },
)
