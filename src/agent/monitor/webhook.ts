import type { Logger } from '../../logger'

/**
 * What may be shown or logged of a webhook URL: scheme and host. Webhook URLs usually carry
 * their secret in the path or query (Slack, Discord, most chat tools) or in user:password.
 */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url)
    const rest = u.pathname !== '/' || u.search ? '/…' : ''
    return `${u.protocol}//${u.host}${rest}`
  } catch {
    return '(invalid url)'
  }
}

export interface WebhookOptions {
  /** The current URL (settings can change at any time); null: deliver nothing. */
  url: () => string | null
  logger: Logger
  timeoutMs?: number
  /** Attempts after the first one. */
  retries?: number
  /** First retry delay; doubles with each attempt. */
  backoffMs?: number
  /** Deliveries waiting at most; beyond it the oldest is dropped (with a warning). */
  queueLimit?: number
  fetch?: typeof fetch
}

/**
 * Delivers alert notifications to a webhook, one at a time and in order: POST JSON, a timeout
 * per attempt, retries with backoff on network errors, timeouts, 429 and 5xx. A 4xx other than
 * 429 means the receiver refuses this payload: retrying would not help.
 */
export function createWebhookSender(options: WebhookOptions) {
  const timeoutMs = options.timeoutMs ?? 5000
  const retries = options.retries ?? 3
  const backoffMs = options.backoffMs ?? 1000
  const queueLimit = options.queueLimit ?? 100
  const doFetch = options.fetch ?? fetch
  const queue: unknown[] = []
  const closing = new AbortController()
  let worker: Promise<void> | null = null
  let delivered = 0
  let failed = 0

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms)
      closing.signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true })
    })

  /** fetch refuses URLs with credentials: user:password@ becomes a Basic Authorization header. */
  function request(url: string): { href: string; headers: Record<string, string> } {
    const u = new URL(url)
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'ZapieRakyat-alerts' }
    if (u.username || u.password) {
      headers.authorization = `Basic ${btoa(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`)}`
      u.username = ''
      u.password = ''
    }
    return { href: u.href, headers }
  }

  async function deliver(url: string, payload: unknown) {
    const target = redactUrl(url)
    const { href, headers } = request(url)
    let lastError = ''
    for (let attempt = 0; attempt <= retries && !closing.signal.aborted; attempt++) {
      if (attempt > 0) await sleep(backoffMs * 2 ** (attempt - 1))
      try {
        const response = await doFetch(href, {
          method: 'POST',
          headers,
          body: JSON.stringify(payload),
          signal: AbortSignal.any([AbortSignal.timeout(timeoutMs), closing.signal]),
          redirect: 'manual',
        })
        await response.body?.cancel()
        if (response.ok) {
          delivered += 1
          return
        }
        lastError = `HTTP ${response.status}`
        if (response.status < 500 && response.status !== 429) break
      } catch (err) {
        lastError = (err as Error)?.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : String((err as Error)?.message ?? err)
      }
    }
    failed += 1
    options.logger.warn({ msg: 'alert webhook delivery failed', target, error: lastError, attempts: retries + 1 })
  }

  async function drain() {
    while (queue.length > 0 && !closing.signal.aborted) {
      const payload = queue.shift()
      const url = options.url()
      if (url) await deliver(url, payload)
    }
    worker = null
  }

  return {
    send(payload: unknown) {
      if (!options.url() || closing.signal.aborted) return
      queue.push(payload)
      if (queue.length > queueLimit) {
        queue.shift()
        options.logger.warn({ msg: 'alert webhook queue full; dropped the oldest notification', target: redactUrl(options.url() ?? '') })
      }
      worker ??= drain()
    },
    /** Resolves when everything queued has been delivered or given up on. */
    idle: async () => {
      while (worker) await worker
    },
    stats: () => ({ queued: queue.length, delivered, failed }),
    close() {
      closing.abort()
    },
  }
}

export type WebhookSender = ReturnType<typeof createWebhookSender>
