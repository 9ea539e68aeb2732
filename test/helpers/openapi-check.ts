import type { ZodType } from 'zod'
import { createApp } from '../../src/app'
import { isRawBody, specsOf } from '../../src/openapi/describe'
import { collectRoutes, matchRoute } from '../../src/openapi/registry'
import { ErrorBody } from '../../src/schemas/errors'
import { EVENT_PAYLOADS } from '../../src/schemas/event-payloads'

/**
 * Checks what the API answered against what its OpenAPI document says — the same zod schemas
 * the document is generated from, so a response that passes here matches the document.
 */
const routes = collectRoutes(
  createApp(() => {
    throw new Error('only the routes are read')
  }),
)

const issues = (schema: ZodType, body: unknown) => {
  const r = schema.safeParse(body)
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`)
}

/** Problems with one response; empty when it matches the document. */
export function responseProblems(
  method: string,
  url: string,
  status: number,
  contentType: string,
  body?: unknown,
): string[] {
  // CORS preflights are answered app-wide, before any route.
  if (method === 'OPTIONS') return []
  const path = new URL(url, 'http://x').pathname
  // The dashboard's page and assets are outside /api, and outside the document.
  if (!path.startsWith('/api')) return []
  const route = matchRoute(routes, method, path)
  const where = `${method} ${path} → ${status}`
  const isJson = /^application\/json/i.test(contentType)
  const documented = specsOf(route?.doc?.responses[status])
  if (status >= 400 && !documented.length) {
    // A HEAD answer has no body to check; the envelope is documented for every route.
    if (method === 'HEAD' || !isJson)
      return method === 'HEAD' ? [] : [`${where}: an error must be the JSON envelope, got ${contentType}`]
    const problems = issues(ErrorBody, body)
    const b = body as { details?: unknown[]; error?: unknown; message?: unknown }
    if (status === 400 && !(Array.isArray(b?.details) && b.details.length))
      problems.push('a 400 must list what is wrong in details')
    if (b && b.message !== b.error) problems.push('message must repeat error')
    return problems.map((p) => `${where}: ${p}`)
  }
  if (!route) return [`${where}: no documented route`]
  if (!documented.length)
    return [`${where}: status not documented (documented: ${Object.keys(route.doc?.responses ?? {}).join(', ')})`]
  const spec = documented.find((s) => (isRawBody(s) ? contentType.toLowerCase().startsWith(s.contentType) : isJson))
  if (!spec) return [`${where}: ${contentType} is not a documented media type of this response`]
  if (isRawBody(spec) || method === 'HEAD') return []
  return issues(spec, body).map((p) => `${where}: ${p}`)
}

/** Reads a response (from a clone) and throws when it does not match the document. */
export async function assertDocumented(method: string, url: string, res: Response): Promise<void> {
  const type = res.headers.get('content-type') ?? ''
  let body: unknown
  if (/^application\/json/i.test(type) && method !== 'HEAD')
    body = await res
      .clone()
      .json()
      .catch(() => undefined)
  const problems = responseProblems(method, url, res.status, type, body)
  if (problems.length) throw new Error(`Response does not match the OpenAPI document:\n  ${problems.join('\n  ')}`)
}

/** Problems with one SSE event (`event:` name and JSON `data`). */
export function eventProblems(name: string | undefined, data: string): string[] {
  const schema = EVENT_PAYLOADS[(name ?? 'message') as keyof typeof EVENT_PAYLOADS]
  if (!schema) return [`event '${name}' is not documented`]
  let parsed: unknown
  try {
    parsed = JSON.parse(data)
  } catch {
    return [`event '${name}': data is not JSON`]
  }
  return issues(schema, parsed).map((p) => `event '${name}': ${p}`)
}
