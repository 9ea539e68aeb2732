import type { Storage } from 'unstorage'

const TICKET = /^[A-Za-z0-9_-]{43}$/

/** Short-lived single-use tickets that let an EventSource (which cannot send headers) connect. */
export interface TicketStore {
  /** A new ticket; tickets that expired unused are removed on the way, at most once per `ttlMs`. */
  issue(ttlMs: number, now: number): Promise<{ ticket: string; expiresAt: string }>
  /** True once per valid, unexpired ticket. */
  consume(ticket: string, now: number): Promise<boolean>
}

export function createTicketStore(storage: Storage): TicketStore {
  let lastSweep = Number.NEGATIVE_INFINITY

  /** A ticket nobody uses would otherwise stay forever: one record each, without bound. */
  async function removeExpired(now: number) {
    for (const key of await storage.getKeys()) {
      const record = await storage.getItem<{ expiresAt?: unknown }>(key).catch(() => null)
      if (!record || typeof record.expiresAt !== 'number' || record.expiresAt <= now) await storage.removeItem(key)
    }
  }

  return {
    async issue(ttlMs, now) {
      if (now - lastSweep >= ttlMs) {
        lastSweep = now
        // Cleaning up is housekeeping: a failure must not cost the caller its ticket.
        await removeExpired(now).catch(() => {})
      }
      const bytes = crypto.getRandomValues(new Uint8Array(32))
      const ticket = btoa(String.fromCharCode(...bytes))
        .replace(/\+/g, '-')
        .replace(/\//g, '_')
        .replace(/=+$/, '')
      const expiresAt = now + ttlMs
      // Drivers with expiry (redis, KV: at least 60 s) drop the record themselves as well.
      await storage.setItem(ticket, { expiresAt }, { ttl: Math.max(60, Math.ceil(ttlMs / 1000)) })
      return { ticket, expiresAt: new Date(expiresAt).toISOString() }
    },
    async consume(ticket, now) {
      if (!TICKET.test(ticket)) return false
      const record = await storage.getItem<{ expiresAt: number }>(ticket)
      if (!record) return false
      await storage.removeItem(ticket)
      return record.expiresAt > now
    },
  }
}
