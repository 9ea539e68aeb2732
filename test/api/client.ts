import { inject } from 'vitest'
import { openEventStream } from '../helpers/sse-client'

/** The running API of this project's mode, reached over HTTP like any client would. */
export const api = inject('api')
export const auth = { authorization: `Bearer ${api.token}` }

export function call(path: string, init: RequestInit = {}) {
  return fetch(`${api.baseUrl}${path}`, { ...init, headers: { ...auth, ...(init.headers as Record<string, string>) } })
}

export async function json(path: string, init: RequestInit = {}) {
  const res = await call(path, init)
  return { status: res.status, body: await res.json() }
}

export function events(query = '', headers: Record<string, string> = auth) {
  return openEventStream(`${api.baseUrl}/api/events${query}`, headers)
}
