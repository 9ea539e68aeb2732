import type { Context, TypedResponse } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { JSONParsed } from 'hono/utils/types'

const JSON_HEADERS = { 'content-type': 'application/json' }
const utf8 = new TextEncoder()
/**
 * Answers shorter than this are kept as text, longer ones as UTF-8 bytes. Node writes a text
 * body in one write with the status line and headers; bytes go out as a second chunk (a writev
 * with the headers), which cost 3–5 % of a small read's CPU (side by side: GET /api/health 0.95×,
 * a service's summary 0.97× with text). A long text costs more than that to measure, join to
 * the headers and encode again on every answer (an 8.7 KB catalogue page: 1.07–1.10× as text).
 */
const KEPT_AS_TEXT_BELOW = 4096
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
  const answers = new WeakMap<object, Map<string, string | Uint8Array<ArrayBuffer>>>()
  return <B extends object, S extends ContentfulStatusCode>(
    c: Context,
    key: object,
    body: () => B,
    status: S,
    variant = '',
  ): Response & TypedResponse<JSONParsed<B>, S, 'json'> => {
    let kept = answers.get(key)
    let answer = kept?.get(variant)
    if (answer === undefined) {
      const text = JSON.stringify(body())
      answer = text.length < KEPT_AS_TEXT_BELOW ? text : utf8.encode(text)
      if (!kept) answers.set(key, (kept = new Map()))
      if (kept.size < MAX_VARIANTS) kept.set(variant, answer)
    }
    return c.body(answer, status, JSON_HEADERS) as unknown as Response & TypedResponse<JSONParsed<B>, S, 'json'>
  }
}
