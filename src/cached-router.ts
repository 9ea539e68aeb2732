import type { Result, Router } from 'hono/router'
import { RegExpRouter } from 'hono/router/reg-exp-router'
import { SmartRouter } from 'hono/router/smart-router'
import { TrieRouter } from 'hono/router/trie-router'

// Paths kept, and the longest one kept: bounded whatever paths clients send.
const MAX_PATHS = 512
const MAX_PATH_LENGTH = 256

/**
 * Hono's default router (RegExpRouter where it can, else TrieRouter) with its answer kept per
 * method and path. Our routes put a literal beside a parameter at the same place
 * (/api/services/bulk/:operation, /api/services/:containerId/…), which RegExpRouter refuses, so
 * TrieRouter matches: it split the path and walked its tree on every request, ~3 % of a cached
 * read's time. Hono only reads a router's answer (RegExpRouter itself hands out one array per
 * literal path), so one answer serves every request for its path. When full, the path kept
 * longest is dropped first; a route added afterwards drops them all.
 */
export class CachedRouter<T> implements Router<T> {
  name = 'CachedRouter'
  readonly #inner: Router<T>
  readonly #kept = new Map<string, Result<T>>()

  readonly #inert: (handler: T) => boolean
  readonly #merge: ((handlers: T[]) => T) | undefined

  /**
   * `inert` names handlers that do nothing when run but hand on (documentation marks): they are
   * not routed at all, so no request is dispatched through them.
   *
   * `merge`, if given, makes the several handlers matched for a path one, in a kept answer:
   * Hono runs a lone handler directly, where several go through its compose, an async step and
   * a promise per handler and one more for the dispatch. Only where every handler that has
   * parameters has the same ones (the usual case: a middleware and its route capture the same
   * segments), as each then reads its own from the one set; otherwise the answer stays as is.
   */
  constructor(
    inner: Router<T> = new SmartRouter({ routers: [new RegExpRouter(), new TrieRouter()] }),
    inert: (handler: T) => boolean = () => false,
    merge?: (handlers: T[]) => T,
  ) {
    this.#inner = inner
    this.#inert = inert
    this.#merge = merge
  }

  add(method: string, path: string, handler: T): void {
    if (this.#inert(handler)) return
    this.#kept.clear()
    this.#inner.add(method, path, handler)
  }

  match(method: string, path: string): Result<T> {
    if (path.length > MAX_PATH_LENGTH) return this.#inner.match(method, path)
    const key = `${method} ${path}`
    let result = this.#kept.get(key)
    if (result === undefined) {
      result = this.#merged(this.#inner.match(method, path))
      if (this.#kept.size >= MAX_PATHS) this.#kept.delete(this.#kept.keys().next().value as string)
      this.#kept.set(key, result)
    }
    return result
  }

  #merged(result: Result<T>): Result<T> {
    const entries = result[0]
    if (!this.#merge || entries.length < 2) return result
    const captured = entries.map(([, params]) => params).filter((params) => Object.keys(params).length > 0)
    if (captured.some((params) => !sameParams(params, captured[0]!))) return result
    const one: [T, (typeof entries)[number][1]] = [this.#merge(entries.map(([handler]) => handler)), captured[0] ?? {}]
    return (result.length === 2 ? [[one], result[1]] : [[one]]) as Result<T>
  }
}

function sameParams(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const keys = Object.keys(a)
  return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && a[key] === b[key])
}
