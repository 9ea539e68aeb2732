import type { Context } from 'hono'

/**
 * `{ signal }` for an agent call, with the request's abort signal made only if the callee reads
 * it: @hono/node-server builds an AbortController on first access (~3 % of a cached read's busy
 * time), and the in-process agent's cached reads never look; the HTTP agent client does.
 */
export const requestSignal = (c: Context): { readonly signal: AbortSignal } => ({
  get signal() {
    return c.req.raw.signal
  },
})
