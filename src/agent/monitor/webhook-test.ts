import type { Clock } from '../../clock'
import type { Logger } from '../../logger'
import type { WebhookTestResult } from '../../schemas/monitoring'
import { redactUrl, type WebhookSender } from './webhook'

/** Only what a test needs: the sender's one-attempt path and the saved URL. */
export interface WebhookTesterDeps {
  sender: Pick<WebhookSender, 'probe'>
  savedUrl: () => string | null
  logger: Logger
  clock: Clock
  /** Pause after a test before the next one may start. */
  cooldownMs?: number
  /** How long a test may take at most (the sender's timeout): what a caller waiting on a running test is told. */
  timeoutMs?: number
}

export const WEBHOOK_TEST_COOLDOWN_MS = 3000

/** The test alert: shaped like a real one (receivers parse it the same way), marked as a test everywhere a reader looks. */
function testPayload(at: string) {
  const message = 'This is a test of the alert webhook, sent from the dashboard or the API. No service is affected.'
  return {
    event: 'health-alert',
    test: true,
    text: `[TEST] ZapieRakyat: ${message}`,
    alert: {
      alertId: `webhook-test-${Date.parse(at)}`,
      rule: 'webhook_test',
      type: 'webhook_test',
      severity: 'warning',
      state: 'firing',
      reminder: false,
      test: true,
      message,
      value: null,
      threshold: null,
      containerId: null,
      serviceId: null,
      serviceName: 'ZapieRakyat',
      startedAt: at,
      resolvedAt: null,
      timestamp: at,
    },
  }
}

/**
 * The webhook "send test": one clearly marked test alert through the sender's own path (the
 * destination policy after DNS, the pinned address, no redirects, its timeout), no retries.
 * One test at a time per agent and a cooldown after each, so the button (or a script behind
 * it, from any number of API servers) cannot be turned into a way to hammer a target.
 */
export function createWebhookTester(deps: WebhookTesterDeps) {
  const cooldownMs = deps.cooldownMs ?? WEBHOOK_TEST_COOLDOWN_MS
  const timeoutMs = deps.timeoutMs ?? 5000
  let running = false
  let nextAt = 0

  return async function testAlertWebhook(
    url: string | null,
    options?: { signal?: AbortSignal },
  ): Promise<WebhookTestResult> {
    const now = deps.clock.now()
    if (running || now < nextAt) {
      const waitMs = running ? timeoutMs + cooldownMs : nextAt - now
      const retryAfterSeconds = Math.max(1, Math.ceil(waitMs / 1000))
      return {
        outcome: 'busy',
        retryAfterSeconds,
        message: running
          ? 'A webhook test is already running; wait for its result'
          : `A webhook test just ran; wait ${retryAfterSeconds} s before sending another`,
      }
    }
    const target = url ?? deps.savedUrl()
    if (!target) return { outcome: 'not_configured', message: 'No alert webhook is saved: enter a URL to test it' }
    const shown = redactUrl(target)
    running = true
    try {
      const testedAt = new Date(now).toISOString()
      // The caller going away (a closed tab) ends the attempt; the cooldown still follows it.
      const result = await deps.sender.probe(target, testPayload(testedAt), options?.signal)
      if (result.outcome === 'refused') {
        deps.logger.warn({ msg: 'alert webhook test refused', target: shown, rule: result.refusal.rule })
        return { outcome: 'refused', target: shown, ...result.refusal }
      }
      // Nothing was sent to a refused destination: only an attempt starts the cooldown.
      nextAt = deps.clock.now() + cooldownMs
      const status = 'status' in result ? result.status : null
      deps.logger.info({
        msg: 'alert webhook test',
        target: shown,
        outcome: result.outcome,
        status,
        durationMs: result.durationMs,
      })
      return {
        outcome: result.outcome,
        delivered: result.outcome === 'delivered',
        target: shown,
        status,
        durationMs: result.durationMs,
        message: result.message,
        testedAt,
      }
    } finally {
      running = false
    }
  }
}
