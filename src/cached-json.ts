import type { Context, TypedResponse } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { JSONParsed } from 'hono/utils/types'

const JSON_HEADERS = { 'content-type': 'application/json' }

/**
 * A JSON answer whose text is kept for as long as `key` lives: the agent hands out the very
 * same object for a read until what it describes changes (its inventory memoises summaries,
 * details and the list), so the same body is not serialised again on every request — that was
 * about a tenth of the busy time of a read. `key` must stand for everything in `body`: the
 * caller builds the body from it alone. Objects never seen again are dropped with their text.
 * Typed as c.json's answer, so the typed client (hc) still knows the body.
 */
export function createJsonCache() {
  const texts = new WeakMap<object, string>()
  return <B extends object, S extends ContentfulStatusCode>(
    c: Context,
    key: object,
    body: () => B,
    status: S,
  ): Response & TypedResponse<JSONParsed<B>, S, 'json'> => {
    let text = texts.get(key)
    if (text === undefined) {
      text = JSON.stringify(body())
      texts.set(key, text)
    }
    return c.body(text, status, JSON_HEADERS) as unknown as Response & TypedResponse<JSONParsed<B>, S, 'json'>
  }
}
