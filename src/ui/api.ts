import { hc } from 'hono/client'
import type { AppType } from '../app'

/** An API failure as the envelope describes it; status 0 when the server could not be reached. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: { path?: string | (string | number)[]; message: string }[] = [],
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
  const body = (await res.json().catch(() => null)) as Envelope
  if (!res.ok) throw failure(res.status, body)
  return body as SuccessBody<R>
}

type Envelope = { success?: boolean; error?: string; code?: string; details?: ApiError['details'] } | null

/** The ApiError for a failed response (and the session's end on a 401). */
function failure(status: number, body: Envelope): ApiError {
  if (status === 401) unauthorizedListener()
  return new ApiError(
    status,
    body?.code ?? 'http_error',
    body?.error ?? `Request failed (${status})`,
    body?.details ?? [],
  )
}

/**
 * An upload that reports how much was sent: fetch() has no upload progress, XMLHttpRequest has.
 * Same headers, cookie and errors as every other call.
 */
export function upload<T>(
  path: string,
  body: Blob,
  contentType: string,
  onProgress: (sent: number, total: number) => void,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', path)
    xhr.setRequestHeader('content-type', contentType)
    if (csrfToken) xhr.setRequestHeader('X-CSRF-Token', csrfToken)
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : body.size)
    xhr.onerror = () =>
      reject(new ApiError(0, 'unreachable', 'The server cannot be reached. Check that ZapieRakyat is running.'))
    xhr.onload = () => {
      let parsed: Envelope = null
      try {
        parsed = JSON.parse(xhr.responseText)
      } catch {}
      if (xhr.status >= 200 && xhr.status < 300) resolve(parsed as T)
      else reject(failure(xhr.status, parsed))
    }
    xhr.send(body)
  })
}

/** For the few calls the typed client cannot express (streamed uploads): same headers, same errors. */
export async function rawCall<T>(path: string, init: RequestInit = {}): Promise<T> {
  const headers = new Headers(init.headers)
  if (csrfToken) headers.set('X-CSRF-Token', csrfToken)
  const request = fetch(path, { ...init, headers, credentials: 'same-origin' })
  return call(request as Promise<Response & { ok: true; json(): Promise<T> }>) as Promise<T>
}

/**
 * The field a detail is about, as parts: the API sends a dotted path led by what was validated
 * (`json.cpu.warning`), which is not part of the field's name.
 */
export function fieldPath(detail: ApiError['details'][number]): string[] {
  const parts = Array.isArray(detail.path)
    ? detail.path.map(String)
    : String(detail.path ?? '')
        .split('.')
        .filter(Boolean)
  return ['json', 'query', 'param', 'header'].includes(parts[0] ?? '') ? parts.slice(1) : parts
}

/** A human message for an error, with the field details the API sent. */
export const errorText = (err: unknown) =>
  err instanceof ApiError ? err.message : err instanceof Error ? err.message : String(err)
