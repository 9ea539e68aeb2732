import { z, type ZodType } from 'zod'
import { ErrorBody } from '../schemas/errors'
import { EVENT_PAYLOADS } from '../schemas/event-payloads'
import { isRawBody, specsOf, type ResponseSpec } from './describe'
import { openApiPath, type DocumentedRoute } from './registry'

type Json = Record<string, unknown>

/** JSON Schema 2020-12 (what OpenAPI 3.1 uses) of what a client sends or receives. */
function jsonSchema(schema: ZodType, io: 'input' | 'output'): Json {
  const out = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Json
  delete out.$schema
  return out
}

const operationId = (method: string, path: string) =>
  method.toLowerCase() +
  path
    .replace(/^\/api/, '')
    .split(/[/-]/)
    .filter(Boolean)
    .map((s) => (s.startsWith(':') ? `By${s[1]!.toUpperCase()}${s.slice(2)}` : s[0]!.toUpperCase() + s.slice(1)))
    .join('')

function parameters(route: DocumentedRoute): Json[] {
  const out: Json[] = []
  for (const { target, schema } of route.requests) {
    if (target !== 'param' && target !== 'query' && target !== 'header') continue
    const object = jsonSchema(schema, 'input') as { properties?: Record<string, Json>; required?: string[] }
    for (const [name, s] of Object.entries(object.properties ?? {})) {
      const where = target === 'param' ? 'path' : target
      out.push({
        name,
        in: where,
        required: where === 'path' || (object.required ?? []).includes(name),
        schema: s,
        ...(typeof s.description === 'string' ? { description: s.description } : {}),
      })
    }
  }
  // A path parameter no validator declares is still part of the path.
  for (const [, name] of route.path.matchAll(/:([A-Za-z0-9_]+)/g)) {
    if (!out.some((p) => p.in === 'path' && p.name === name))
      out.push({ name, in: 'path', required: true, schema: { type: 'string' } })
  }
  return out
}

function requestBody(route: DocumentedRoute): Json | undefined {
  const body = route.requests.find((r) => r.target === 'json' || r.target === 'form')
  if (!body) return undefined
  const type = body.target === 'json' ? 'application/json' : 'multipart/form-data'
  return { required: true, content: { [type]: { schema: jsonSchema(body.schema, 'input') } } }
}

function response(specs: ResponseSpec[]): Json {
  const content: Json = {}
  const descriptions: string[] = []
  for (const spec of specs) {
    if (isRawBody(spec)) {
      content[spec.contentType] = {}
      descriptions.push(spec.description)
    } else {
      const schema = jsonSchema(spec, 'output')
      content['application/json'] = { schema }
      if (typeof schema.description === 'string') descriptions.push(schema.description)
    }
  }
  return { description: descriptions.join('; ') || 'Success', content }
}

/**
 * The OpenAPI 3.1 document of the app, generated from the routes' own zod schemas: the
 * validators' schemas for requests, describeRoute()'s for responses. SSE payloads have no place
 * in OpenAPI, so each event is a component schema and `x-events` maps event names to them.
 */
export function buildDocument(routes: DocumentedRoute[], info: { version: string }): Json {
  const paths: Record<string, Record<string, Json>> = {}
  for (const route of routes) {
    const doc = route.doc
    const responses: Json = {}
    for (const [status, spec] of Object.entries(doc?.responses ?? {})) responses[status] = response(specsOf(spec))
    responses.default = {
      description: 'Error envelope (4xx, 5xx)',
      content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } },
    }
    const body = requestBody(route)
    const item = (paths[openApiPath(route.path)] ??= {})
    item[route.method.toLowerCase()] = {
      operationId: operationId(route.method, route.path),
      summary: doc?.summary ?? `${route.method} ${route.path}`,
      ...(doc?.description ? { description: doc.description } : {}),
      tags: doc?.tags ?? ['other'],
      parameters: parameters(route),
      ...(body ? { requestBody: body } : {}),
      responses,
      ...(doc?.public ? { security: [] } : {}),
    }
  }
  const eventSchemas = Object.fromEntries(
    Object.entries(EVENT_PAYLOADS).map(([name, s]) => [`Event.${name}`, jsonSchema(s, 'output')]),
  )
  return {
    openapi: '3.1.0',
    info: {
      title: 'ZapieRakyat API',
      version: info.version,
      description:
        'Deploys self-hosted services as Docker containers and keeps them healthy. Every route needs `Authorization: Bearer <token>` unless it says otherwise. ' +
        "Errors are the envelope `ErrorBody`. Live events stream from `GET /api/events` (Server-Sent Events); `x-events` lists each event's payload.",
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: { ErrorBody: jsonSchema(ErrorBody, 'output'), ...eventSchemas },
    },
    'x-events': Object.fromEntries(
      Object.keys(EVENT_PAYLOADS).map((name) => [name, { $ref: `#/components/schemas/Event.${name}` }]),
    ),
  }
}
