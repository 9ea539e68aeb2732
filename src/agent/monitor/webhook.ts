import type { Logger } from '../../logger'
import type { Refusal, WebhookPolicy } from '../../net/webhook-policy'
import { postPinned } from './pinned-post'
import { resolveWebhookTarget, systemLookup, type Lookup } from './webhook-target'

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
  /** Which destinations may be reached (see webhook-policy). */
  policy: WebhookPolicy
  /** Name resolution (tests inject one); dns.lookup by default. */
  lookup?: Lookup
  /** How long a save-time check waits for DNS before it lets the name through to send time. */
  checkTimeoutMs?: number
}

/**
 * What one POST to a webhook came to, for a caller that shows it (the "send test" button):
 * never the URL beyond scheme and host, never a thrown error.
 */
export type ProbeOutcome =
  | { outcome: 'delivered' | 'http_error'; status: number; durationMs: number; message: string }
  | { outcome: 'timeout'; durationMs: number; timeoutMs: number; message: string }
  | { outcome: 'connection_refused' | 'network_error'; durationMs: number; message: string }
  | { outcome: 'refused'; refusal: Refusal }

/** An error message with every part of the URL that may be secret (userinfo, path, query) cut out. */
function scrub(message: string, url: URL): string {
  let text = message
  const secrets = [url.href, `${url.pathname}${url.search}`, url.search, url.username, url.password]
  for (const part of secrets.filter((p) => p.length > 1).sort((a, b) => b.length - a.length))
    text = text.split(part).join('…')
  return text
}

/** A refused destination ends a delivery at once: asking again would get the same answer. */
class RefusedError extends Error {
  constructor(readonly refusal: Refusal) {
    super(refusal.message)
  }
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
  const lookup = options.lookup ?? systemLookup
  const checkTimeoutMs = options.checkTimeoutMs ?? 3000
  const queue: unknown[] = []
  const closing = new AbortController()
  let worker: Promise<void> | null = null
  let delivered = 0
  let failed = 0

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms)
      closing.signal.addEventListener(
        'abort',
        () => {
          clearTimeout(timer)
          resolve()
        },
        { once: true },
      )
    })

  /** user:password@ in the URL becomes a Basic Authorization header. */
  function request(url: string): { target: URL; headers: Record<string, string> } {
    const u = new URL(url)
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'ZapieRakyat-alerts' }
    if (u.username || u.password) {
      headers.authorization = `Basic ${btoa(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`)}`
      u.username = ''
      u.password = ''
    }
    return { target: u, headers }
  }

  /** Resolves and judges the destination, then POSTs to the address that was judged. */
  async function attempt(
    target: URL,
    headers: Record<string, string>,
    body: string,
    signal: AbortSignal,
  ): Promise<number> {
    // getaddrinfo cannot be cancelled: the attempt's timeout must not wait for a stuck resolver.
    const aborted = new Promise<never>((_, reject) => {
      if (signal.aborted) reject(signal.reason)
      signal.addEventListener('abort', () => reject(signal.reason), { once: true })
    })
    aborted.catch(() => {})
    const resolved = await Promise.race([resolveWebhookTarget(target, options.policy, lookup), aborted])
    if (!resolved.ok) throw new RefusedError(resolved.refusal)
    return postPinned(target, resolved, headers, body, signal)
  }

  async function deliver(url: string, payload: unknown) {
    const target = redactUrl(url)
    let prepared: ReturnType<typeof request>
    try {
      prepared = request(url)
    } catch {
      failed += 1
      options.logger.warn({ msg: 'alert webhook delivery failed', target, error: 'not a valid URL' })
      return
    }
    const { target: destination, headers } = prepared
    const body = JSON.stringify(payload)
    let lastError = ''
    let attempts = 0
    for (; attempts <= retries && !closing.signal.aborted; attempts++) {
      if (attempts > 0) await sleep(backoffMs * 2 ** (attempts - 1))
      const signal = AbortSignal.any([AbortSignal.timeout(timeoutMs), closing.signal])
      try {
        const status = await attempt(destination, headers, body, signal)
        if (status >= 200 && status < 300) {
          delivered += 1
          return
        }
        lastError = status >= 300 && status < 400 ? `HTTP ${status} (redirects are not followed)` : `HTTP ${status}`
        if (status < 500 && status !== 429) {
          attempts++
          break
        }
      } catch (err) {
        if (err instanceof RefusedError) {
          failed += 1
          options.logger.warn({
            msg: 'alert webhook destination refused',
            target,
            rule: err.refusal.rule,
            error: err.message,
          })
          return
        }
        lastError =
          signal.reason?.name === 'TimeoutError' || (err as Error)?.name === 'TimeoutError'
            ? `no answer within ${timeoutMs} ms`
            : String((err as Error)?.message ?? err)
      }
    }
    failed += 1
    options.logger.warn({ msg: 'alert webhook delivery failed', target, error: lastError, attempts })
  }

  async function drain() {
    while (queue.length > 0 && !closing.signal.aborted) {
      const payload = queue.shift()
      const url = options.url()
      if (url) await deliver(url, payload)
    }
    worker = null
  }

  /**
   * One attempt, no retries, no queue: the sender's own path (the same policy, resolver, pinned
   * address, timeout and headers as an alert), reporting what happened instead of logging it.
   */
  async function probe(url: string, payload: unknown, signal?: AbortSignal): Promise<ProbeOutcome> {
    const shown = redactUrl(url)
    let prepared: ReturnType<typeof request>
    try {
      prepared = request(url)
    } catch {
      return { outcome: 'network_error', durationMs: 0, message: 'The webhook URL is not a valid URL' }
    }
    const { target, headers } = prepared
    const started = performance.now()
    const elapsed = () => Math.round(performance.now() - started)
    const timeout = AbortSignal.timeout(timeoutMs)
    const attemptSignal = AbortSignal.any([timeout, closing.signal, ...(signal ? [signal] : [])])
    try {
      const status = await attempt(target, headers, JSON.stringify(payload), attemptSignal)
      const durationMs = elapsed()
      if (status >= 200 && status < 300)
        return {
          outcome: 'delivered',
          status,
          durationMs,
          message: `${shown} answered HTTP ${status} in ${durationMs} ms`,
        }
      const redirect = status >= 300 && status < 400 ? ' (a redirect: redirects are not followed)' : ''
      return { outcome: 'http_error', status, durationMs, message: `${shown} answered HTTP ${status}${redirect}` }
    } catch (err) {
      if (err instanceof RefusedError) return { outcome: 'refused', refusal: err.refusal }
      const durationMs = elapsed()
      if (timeout.aborted || (err as Error)?.name === 'TimeoutError')
        return { outcome: 'timeout', durationMs, timeoutMs, message: `No answer from ${shown} within ${timeoutMs} ms` }
      const code = (err as { code?: string })?.code
      if (code === 'ECONNREFUSED')
        return {
          outcome: 'connection_refused',
          durationMs,
          message: `${shown} refused the connection (nothing listens there)`,
        }
      if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
        return { outcome: 'network_error', durationMs, message: `${target.hostname} does not resolve to an address` }
      const reason = scrub(String((err as Error)?.message ?? err), new URL(url))
      return { outcome: 'network_error', durationMs, message: `Could not reach ${shown}: ${reason}` }
    }
  }

  return {
    probe,
    /**
     * The save-time check: a refusal for a URL whose literal or resolved address may not be
     * reached. A name that does not resolve (yet) passes: the send-time check judges it again.
     */
    async check(url: string): Promise<Refusal | null> {
      let timer: ReturnType<typeof setTimeout> | undefined
      const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), checkTimeoutMs)))
      try {
        const judged = resolveWebhookTarget(new URL(url), options.policy, lookup).then(
          (t) => (t.ok ? null : t.refusal),
          () => null,
        )
        return await Promise.race([judged, timeout])
      } finally {
        clearTimeout(timer)
      }
    },
    send(payload: unknown) {
      if (!options.url() || closing.signal.aborted) return
      queue.push(payload)
      if (queue.length > queueLimit) {
        queue.shift()
        options.logger.warn({
          msg: 'alert webhook queue full; dropped the oldest notification',
          target: redactUrl(options.url() ?? ''),
        })
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
