import type { Context } from 'hono'

/**
 * `{ signal }` for an agent call, with the request's abort signal made only if the callee reads
 * it: @hono/node-server builds an AbortController on first access (~3 % of a cached read's busy
 * time), and the in-process agent's cached reads never look; the HTTP agent client does.
 *
 * A class, not an object literal with a getter: V8 builds such a literal's accessor in the old
 * generation, and that old object pointing at the request's Context kept every Context alive
 * through the young-generation collections (a third of what agent-backed reads allocated
 * survived, against 6 % without; GC time per read 3x).
 */
class LazySignal {
  readonly #c: Context
  constructor(c: Context) {
    this.#c = c
  }
  get signal(): AbortSignal {
    return this.#c.req.raw.signal
  }
}

export const requestSignal = (c: Context): { readonly signal: AbortSignal } => new LazySignal(c)
