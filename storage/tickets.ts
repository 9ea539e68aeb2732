import type { Storage } from 'unstorage'

const TICKET = /^[A-Za-z0-9_-]{43}$/

/** Short-lived single-use tickets that let an EventSource (which cannot send headers) connect. */
export interface TicketStore {
  issue(ttlMs: number, now: number): Promise<{ ticket: string; expiresAt: string }>
  /** True once per valid, unexpired ticket. */
  consume(ticket: string, now: number): Promise<boolean>
}

export function createTicketStore(storage: Storage): TicketStore {
  return {
    async issue(ttlMs, now) {
      const bytes = crypto.getRandomValues(new Uint8Array(32))
      const ticket = btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
      const expiresAt = now + ttlMs
      await storage.setItem(ticket, { expiresAt })
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
