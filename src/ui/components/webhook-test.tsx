import { useState } from '../hooks'
import { ApiError, call, client, errorText } from '../api'

type Outcome = { ok: boolean; text: string }

/** What a test came to, in words a user can act on; every message is shown as text. */
function describe(err: unknown): Outcome {
  if (err instanceof ApiError && err.code === 'webhook_destination_refused')
    return { ok: false, text: `Not sent: ${err.details[0]?.message ?? err.message}` }
  return { ok: false, text: `Not sent: ${errorText(err)}` }
}

/**
 * "Send test" beside the webhook form: one test alert to the URL typed in the field (so it can
 * be tried before saving) or, with the field empty, to the saved webhook. The result stays next
 * to the button in a live region; while the test runs the button says so and ignores clicks
 * but stays focusable (a disabled button would drop keyboard focus). The form holds the
 * `webhook-test-help` text the button is described by.
 */
export function WebhookTestButton({ url }: { url: () => string }) {
  const [sending, setSending] = useState(false)
  const [result, setResult] = useState<Outcome | null>(null)
  const run = async () => {
    if (sending) return
    setSending(true)
    setResult(null)
    const typed = url().trim()
    try {
      const { test } = await call(client.api.alerts.webhook.test.$post({ json: typed ? { url: typed } : {} }))
      setResult(
        test.delivered
          ? { ok: true, text: `Delivered: ${test.target} answered HTTP ${test.status} in ${test.durationMs} ms` }
          : { ok: false, text: `Not delivered: ${test.message}` },
      )
    } catch (err) {
      setResult(describe(err))
    } finally {
      setSending(false)
    }
  }
  return (
    <>
      <button
        type="button"
        class="secondary"
        onClick={run}
        aria-disabled={sending ? 'true' : undefined}
        aria-describedby="webhook-test-help"
      >
        {sending ? 'Sending test…' : 'Send test'}
      </button>
      <span
        id="webhook-test-result"
        class={result && !result.ok ? 'small error' : 'small'}
        role="status"
        aria-live="polite"
        data-testid="webhook-test-result"
        data-outcome={sending ? 'sending' : result ? (result.ok ? 'delivered' : 'failed') : undefined}
      >
        {sending ? 'Sending a test alert…' : result?.text}
      </span>
    </>
  )
}
