import { ApiError, rawCall, setCsrfToken } from './api'

/**
 * The browser session (POST/GET/DELETE /api/session): the API token is exchanged once for an
 * HttpOnly cookie, which also carries the event stream. Only the CSRF token is kept, in memory.
 */
export interface SessionInfo {
  csrfToken: string
  expiresAt: string
}

export async function currentSession(): Promise<SessionInfo | null> {
  try {
    const body = await rawCall<SessionInfo & { authenticated: boolean }>('/api/session')
    if (!body.authenticated) return null
    setCsrfToken(body.csrfToken)
    return body
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return null
    throw err
  }
}

export async function signIn(token: string): Promise<SessionInfo> {
  const body = await rawCall<SessionInfo>('/api/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token }),
  })
  setCsrfToken(body.csrfToken)
  return body
}

export async function signOut(): Promise<void> {
  try {
    await rawCall('/api/session', { method: 'DELETE' })
  } finally {
    setCsrfToken(null)
  }
}
