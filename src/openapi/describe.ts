import type { MiddlewareHandler } from 'hono'
import type { ZodType } from 'zod'

/** A non-JSON response body: documented by its media type only (downloads, streams, pages). */
export interface RawBody {
  contentType: string
  description: string
}

export type ResponseSpec = ZodType | RawBody

/** What a handler file says about its route beyond what its validators already say. */
export interface RouteDoc {
  summary: string
  description?: string
  tags: string[]
  /**
   * Statuses and their bodies (several when the media type varies, e.g. JSON or a stream);
   * every route may also answer the error envelope for any status it does not list.
   */
  responses: Record<number, ResponseSpec | ResponseSpec[]>
  /** Callable without a bearer token. */
  public?: boolean
}

/** The marks the generator reads off the middleware in `app.routes`. */
export const ROUTE_DOC = Symbol.for('zapie.openapi.route')
export const REQUEST_SCHEMA = Symbol.for('zapie.openapi.request')

export interface RequestSchemaMark {
  target: string
  schema: ZodType
}

export type Marked<T> = MiddlewareHandler & { [ROUTE_DOC]?: RouteDoc; [REQUEST_SCHEMA]?: T }

/**
 * Documents a route from inside its handler file: a pass-through middleware carrying the
 * description and response schemas, so the document is read off the app itself and a route
 * cannot exist without its entry (test/unit/openapi.test.ts).
 */
export function describeRoute(doc: RouteDoc): MiddlewareHandler {
  // Only a mark for the document: passes straight on, without an async step of its own.
  const mw: Marked<never> = (_c, next) => next()
  mw[ROUTE_DOC] = doc
  return mw
}

/**
 * True for describeRoute's marks: the app's router leaves them out (src/cached-router.ts), so
 * a request is not dispatched through a step that only hands on; `app.routes`, which the
 * document is read from, still lists them.
 */
export const isRouteDocOnly = (handler: unknown): boolean =>
  typeof handler === 'function' && ROUTE_DOC in handler && !(REQUEST_SCHEMA in handler)

export const specsOf = (spec: ResponseSpec | ResponseSpec[] | undefined): ResponseSpec[] =>
  spec === undefined ? [] : Array.isArray(spec) ? spec : [spec]

export const isRawBody = (spec: ResponseSpec): spec is RawBody =>
  typeof (spec as RawBody).contentType === 'string' && !('_zod' in (spec as object))
