/** Wrong tokens or tickets one client may send per window before it has to wait. */
export const AUTH_FAILURE_LIMIT = 10
export const AUTH_FAILURE_WINDOW_MS = 60_000
/** Clients remembered at once; beyond it the oldest are forgotten, so memory stays bounded. */
const MAX_CLIENTS = 10_000

export interface AuthFailureGuard {
  /** Seconds `client` must still wait, or 0 when it may try. */
  retryAfter(client: string, now: number): number
  /** Counts one wrong token or ticket from `client`. */
  fail(client: string, now: number): void
}

/**
 * Counts failed authentication per client address in a fixed window. A client past the limit is
 * refused for the rest of its window without its token being checked at all, so it cannot keep
 * guessing (and a right guess would not tell it anything either).
 */
export function createAuthFailureGuard(
  limit = AUTH_FAILURE_LIMIT,
  windowMs = AUTH_FAILURE_WINDOW_MS,
): AuthFailureGuard {
  const clients = new Map<string, { since: number; failures: number }>()
  const current = (client: string, now: number) => {
    const entry = clients.get(client)
    if (entry && now - entry.since < windowMs) return entry
    if (entry) clients.delete(client)
    return undefined
  }
  return {
    retryAfter(client, now) {
      const entry = current(client, now)
      return entry && entry.failures >= limit ? Math.max(1, Math.ceil((entry.since + windowMs - now) / 1000)) : 0
    },
    fail(client, now) {
      const entry = current(client, now)
      if (entry) {
        entry.failures += 1
        return
      }
      if (clients.size >= MAX_CLIENTS) clients.delete(clients.keys().next().value!)
      clients.set(client, { since: now, failures: 1 })
    },
  }
}
