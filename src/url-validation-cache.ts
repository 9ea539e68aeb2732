import type { Context, MiddlewareHandler, Next } from 'hono'

/** Distinct URLs whose validated query or params one route keeps; past it, it starts again. */
const MAX_KEPT = 256
/** Longer query strings (or paths) are validated every time: they would make the memory kept large. */
const MAX_KEY_CHARS = 512

/** What part of the URL a validation reads: the query string, or the path for route params. */
export type UrlTarget = 'query' | 'param'

const keyOf = (c: Context, target: UrlTarget): string => {
  if (target === 'param') return c.req.path
  const url = c.req.url
  const q = url.indexOf('?')
  return q === -1 ? '' : url.slice(q + 1)
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const v of Object.values(value)) deepFreeze(v)
  }
  return value
}

/**
 * A query or params validator that remembers, per route, what it made of each URL: the same
 * query string (or path) always validates to the same value, so a repeated one is not parsed
 * and checked by zod again — for a cached read that was about a twentieth of its cost. Only
 * successes are kept (an invalid URL is refused again the long way, with its details), frozen
 * so no handler can change what the next request gets. Bounded whatever clients send: at most
 * MAX_KEPT entries of at most MAX_KEY_CHARS per route.
 */
export function rememberUrlValidation(target: UrlTarget, validator: MiddlewareHandler): MiddlewareHandler {
  let kept = new Map<string, unknown>()
  // Not async: a URL seen before goes on without a promise of this step's own.
  return (c: Context, next: Next) => {
    const key = keyOf(c, target)
    if (key.length > MAX_KEY_CHARS) return validator(c, next)
    const hit = kept.get(key)
    if (hit !== undefined) {
      c.req.addValidatedData(target, hit as never)
      return next()
    }
    return validator(c, () => {
      if (kept.size >= MAX_KEPT) kept = new Map()
      kept.set(key, deepFreeze(c.req.valid(target as never)))
      return next()
    })
  }
}
