import type { Context, Env, ErrorHandler, MiddlewareHandler } from 'hono'

const nothing = (): void => {}

/**
 * Several middleware registered as one, with Hono's semantics between them: each one's next()
 * runs the following one (the last one's, the rest of the app); an error a member throws is
 * turned into the error answer (onError) before the member before it goes on — as Hono's
 * compose does per layer, so e.g. CORS headers still go on a 401 — and an answer a member
 * returns itself (a CORS preflight) ends the chain. The app runs each path's matched steps and
 * route as one chain (src/app.ts, asOneHandler): Hono's compose costs an async step and a
 * promise per layer and one more for the dispatch.
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
      // Settled with nothing, as a member's own answer would be: compose would take the
      // context the rest resolves to for a response.
      if (i === members.length) return next().then(nothing)
      let passedOn: Promise<void> | undefined
      let out: ReturnType<MiddlewareHandler<E>>
      try {
        out = members[i]!(c, () => (passedOn = run(i + 1)))
      } catch (err) {
        return failed(err)
      }
      // A member that only handed on (most of them, on a read) returns the rest's own promise,
      // which never rejects with an Error (the rest turned its errors into answers already):
      // nothing is left to catch, and a then() per member cost a promise and a microtask each.
      if (out === passedOn) return passedOn
      return out instanceof Promise ? out.then(answered, failed) : Promise.resolve(answered(out))
    }
    return run(0)
  }
}
