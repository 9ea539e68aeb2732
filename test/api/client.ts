import { inject } from 'vitest'
import { assertDocumented, eventProblems } from '../helpers/openapi-check'
import { openEventStream } from '../helpers/sse-client'

/** The running API of this project's mode, reached over HTTP like any client would. */
export const api = inject('api')
export const auth = { authorization: `Bearer ${api.token}` }

/**
 * Every call of the suite is checked against the OpenAPI document (GET /api/openapi.json):
 * the body must match the schema documented for that route and status, so the document
 * cannot drift from what the API answers.
 */
export async function call(path: string, init: RequestInit = {}) {
  const res = await fetch(`${api.baseUrl}${path}`, {
    ...init,
    headers: { ...auth, ...(init.headers as Record<string, string>) },
  })
  await assertDocumented(init.method ?? 'GET', path, res)
  return res
}

export async function json(path: string, init: RequestInit = {}) {
  const res = await call(path, init)
  return { status: res.status, body: await res.json() }
}

/** The event stream; every event a test waits for is checked against its documented payload. */
export async function events(query = '', headers: Record<string, string> = auth) {
  const stream = await openEventStream(`${api.baseUrl}/api/events${query}`, headers)
  const wait = stream.waitFor.bind(stream)
  const waitFor: typeof stream.waitFor = async (match, timeoutMs) => {
    const event = await wait(match, timeoutMs)
    const problems = stream.received.flatMap((e) => eventProblems(e.event, e.data))
    if (problems.length) throw new Error(`Events do not match the OpenAPI document:\n  ${problems.join('\n  ')}`)
    return event
  }
  return Object.assign(stream, { waitFor })
}
