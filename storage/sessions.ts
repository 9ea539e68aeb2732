import type { Storage } from 'unstorage'

const SESSION_ID = /^[A-Za-z0-9_-]{43}$/

/** What a signed-in browser has: its CSRF token and when the session ends. */
export interface Session {
  csrfToken: string
  /** ISO time after which the session no longer authenticates (fixed at sign-in, not sliding). */
  expiresAt: string
}

interface SessionRecord {
  csrfToken: string
  expiresAt: number
  createdAt: number
}

/**
 * Browser sessions behind the `zapie_session` cookie. A record is keyed by the SHA-256 of the
 * session id, so a copy of the store (a backup of the data directory, a KV export) holds no id
 * that would sign anyone in; it never holds the API token either.
 */
export interface SessionStore {
  /** Starts a session; the returned id goes into the cookie and nowhere else. */
  create(ttlMs: number, now: number): Promise<Session & { id: string }>
  /** The session of a cookie value, or null when it is unknown, malformed or expired. */
  find(id: string, now: number): Promise<Session | null>
  remove(id: string): Promise<void>
}

export function createSessionStore(storage: Storage): SessionStore {
  async function sweep(now: number) {
    // Sign-ins are rare (and rate limited), so each one clears out the sessions nobody ended.
    for (const key of await storage.getKeys()) {
      const record = await storage.getItem<SessionRecord>(key)
      if (!record || typeof record.expiresAt !== 'number' || record.expiresAt <= now) await storage.removeItem(key)
    }
  }
  return {
    async create(ttlMs, now) {
      await sweep(now)
      const id = randomId()
      const record: SessionRecord = { csrfToken: randomId(), expiresAt: now + ttlMs, createdAt: now }
      await storage.setItem(await keyOf(id), record)
      return { id, csrfToken: record.csrfToken, expiresAt: new Date(record.expiresAt).toISOString() }
    },
    async find(id, now) {
      if (!SESSION_ID.test(id)) return null
      const key = await keyOf(id)
      const record = await storage.getItem<SessionRecord>(key)
      if (!record || typeof record.csrfToken !== 'string' || typeof record.expiresAt !== 'number') return null
      if (record.expiresAt <= now) {
        await storage.removeItem(key)
        return null
      }
      return { csrfToken: record.csrfToken, expiresAt: new Date(record.expiresAt).toISOString() }
    },
    async remove(id) {
      if (SESSION_ID.test(id)) await storage.removeItem(await keyOf(id))
    },
  }
}

/** 32 random bytes, base64url (43 characters). */
function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32))
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '')
}

async function keyOf(id: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(id)))
  return [...digest].map((b) => b.toString(16).padStart(2, '0')).join('')
}
