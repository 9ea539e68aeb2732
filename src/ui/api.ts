import { hc } from 'hono/client'
import type { AppType } from '../app'

/** An API failure as the envelope describes it; status 0 when the server could not be reached. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: { path?: (string | number)[]; message: string }[] = [],
  ) {
    super(message)
  }
}

// The CSRF token lives in memory only (re-read from GET /api/session on load), never in storage.
let csrfToken: string | null = null
export const setCsrfToken = (token: string | null) => (csrfToken = token)

let unauthorizedListener: () => void = () => {}
/** Called when any request answers 401: the session ended (expired, signed out elsewhere). */
export const onUnauthorized = (listener: () => void) => (unauthorizedListener = listener)

/** The typed client: every call the dashboard makes goes through the public API. */
export const client = hc<AppType>(location.origin, {
  headers: (): Record<string, string> => (csrfToken ? { 'X-CSRF-Token': csrfToken } : {}),
  init: { credentials: 'same-origin' },
})

type SuccessBody<R> = R extends { ok: true; json(): Promise<infer B> } ? B : never

/** Awaits a typed request; answers its success body or throws an ApiError with the envelope. */
export async function call<R extends { ok: boolean; status: number; json(): Promise<unknown> }>(
  request: Promise<R>,
): Promise<SuccessBody<R>> {
  let res: R
  try {
    res = await request
  } catch (err) {
    if ((err as Error)?.name === 'AbortError') throw err
    throw new ApiError(0, 'unreachable', 'The server cannot be reached. Check that ZapieRakyat is running.')
  }
  const body = (await res.json().catch(() => null)) as {
    success?: boolean
    error?: string
    code?: string
    details?: ApiError['details']
  } | null
  if (!res.ok) {
    if (res.status === 401) unauthorizedListener()
    throw new ApiError(
      res.status,
      body?.code ?? 'http_error',
      body?.error ?? `Request failed (${res.status})`,
      body?.details ?? [],
    )
  }
  return body as SuccessBody<R>
}

/** For the few calls the typed client cannot express (streamed uploads): same headers, same errors. */
export async function rawCall<T>(path: string, init: RequestInit = {}): Promise<T> {
  const headers = new Headers(init.headers)
  if (csrfToken) headers.set('X-CSRF-Token', csrfToken)
  const request = fetch(path, { ...init, headers, credentials: 'same-origin' })
  return call(request as Promise<Response & { ok: true; json(): Promise<T> }>) as Promise<T>
}

/** A human message for an error, with the field details the API sent. */
export const errorText = (err: unknown) =>
  err instanceof ApiError ? err.message : err instanceof Error ? err.message : String(err)
