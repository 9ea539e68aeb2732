import type { Context, TypedResponse } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { JSONParsed } from 'hono/utils/types'

const JSON_HEADERS = { 'content-type': 'application/json' }
const utf8 = new TextEncoder()
// Answers kept per key (e.g. one per query of one catalogue read): bounded whatever clients send.
const MAX_VARIANTS = 64

/**
 * A JSON answer whose bytes are kept for as long as `key` lives: the agent hands out the very
 * same object for a read until what it describes changes (its inventory memoises summaries,
 * details, the list and the health overview), and the template store the same `version` per
 * catalogue read, so the same body is not built and serialised again on every request — that
 * was about a tenth of the busy time of a read. `key` (with `variant`, e.g. the query) must
 * stand for everything in `body`. Objects never seen again are dropped with their answers.
 * Typed as c.json's answer, so the typed client (hc) still knows the body.
 */
export function createJsonCache() {
  // Kept encoded: a string body would be measured and encoded to UTF-8 again for every answer
  // (a list of 20 services is ~9 KB).
  const answers = new WeakMap<object, Map<string, Uint8Array<ArrayBuffer>>>()
  return <B extends object, S extends ContentfulStatusCode>(
    c: Context,
    key: object,
    body: () => B,
    status: S,
    variant = '',
  ): Response & TypedResponse<JSONParsed<B>, S, 'json'> => {
    let kept = answers.get(key)
    let bytes = kept?.get(variant)
    if (bytes === undefined) {
      bytes = utf8.encode(JSON.stringify(body()))
      if (!kept) answers.set(key, (kept = new Map()))
      if (kept.size < MAX_VARIANTS) kept.set(variant, bytes)
    }
    return c.body(bytes, status, JSON_HEADERS) as unknown as Response & TypedResponse<JSONParsed<B>, S, 'json'>
  }
}
