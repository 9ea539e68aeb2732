import type { RouterRoute } from 'hono/types'
import { REQUEST_SCHEMA, ROUTE_DOC, type Marked, type RequestSchemaMark, type RouteDoc } from './describe'

/** One route of the app as the document describes it. */
export interface DocumentedRoute {
  method: string
  /** Hono's pattern, e.g. `/api/services/:containerId`. */
  path: string
  doc?: RouteDoc
  requests: RequestSchemaMark[]
}

/**
 * Reads every route off the app: Hono keeps each middleware of a route as its own entry in
 * `app.routes`, so the marks left by describeRoute() and validate() are found beside the
 * handler. App-wide middleware (`/*`, `/api/*`) is not a route, and neither are the dashboard's
 * page and assets outside `/api`: the document describes the API.
 */
export function collectRoutes(app: { routes: readonly RouterRoute[] }): DocumentedRoute[] {
  const byKey = new Map<string, DocumentedRoute>()
  for (const r of app.routes) {
    if (r.method === 'ALL' || r.path.endsWith('*') || !r.path.startsWith('/api')) continue
    const key = `${r.method} ${r.path}`
    let route = byKey.get(key)
    if (!route) byKey.set(key, (route = { method: r.method, path: r.path, requests: [] }))
    const handler = r.handler as Marked<RequestSchemaMark>
    if (handler[ROUTE_DOC]) route.doc = handler[ROUTE_DOC]
    if (handler[REQUEST_SCHEMA]) route.requests.push(handler[REQUEST_SCHEMA])
  }
  return [...byKey.values()]
}

/** `/api/services/:containerId` → `/api/services/{containerId}` */
export const openApiPath = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')

/**
 * The route a concrete request path was served by, in registration order — the order Hono
 * matches in, so `/api/services/health/all` is not taken for `/api/services/:containerId/…`.
 */
export function matchRoute(routes: DocumentedRoute[], method: string, path: string): DocumentedRoute | undefined {
  const m = method === 'HEAD' ? 'GET' : method
  return routes.find((r) => r.method === m && patternOf(r.path).test(path))
}

const patternOf = (path: string) => new RegExp(`^${path.replace(/:[A-Za-z0-9_]+/g, '[^/]+')}/?$`)
