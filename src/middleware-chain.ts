import type { Context, Env, ErrorHandler, MiddlewareHandler } from 'hono'

/**
 * Several middleware registered as one, with Hono's semantics between them: each one's next()
 * runs the following one (the last one's, the rest of the app); an error a member throws is
 * turned into the error answer (onError) before the member before it goes on — as Hono's
 * compose does per layer, so e.g. CORS headers still go on a 401 — and an answer a member
 * returns itself (a CORS preflight) ends the chain. Registered one by one on /api/*, each was
 * matched by the router and dispatched by compose on every request: the router alone then
 * allocated about 4 KB per request, a handler set and params object per middleware.
 */
export function chain<E extends Env>(
  onError: ErrorHandler<E>,
  ...members: MiddlewareHandler<E>[]
): MiddlewareHandler<E> {
  return (c, next) => {
    const answered = (res: unknown) => {
      if (res instanceof Response && !c.finalized) c.res = res
    }
    const failed = async (err: unknown) => {
      if (!(err instanceof Error)) throw err
      c.error = err
      c.res = await onError(err, c as Context<E>)
    }
    const run = (i: number): Promise<void> => {
      if (i === members.length) return next()
      let out: ReturnType<MiddlewareHandler<E>>
      try {
        out = members[i]!(c, () => run(i + 1))
      } catch (err) {
        return failed(err)
      }
      return out instanceof Promise ? out.then(answered, failed) : Promise.resolve(answered(out))
    }
    return run(0)
  }
}
