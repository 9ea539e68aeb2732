import { z } from 'zod'
import { okWith } from './errors'

/** Response shapes of health, events, bulk and the API's own description (handlers/health, events, bulk, docs). */

/** Not the envelope: `success` is false with a 503 (degraded). */
export const HealthBody = z.looseObject({
  success: z.boolean(),
  status: z.enum(['ok', 'degraded']),
  docker: z
    .looseObject({ status: z.enum(['connected', 'disconnected', 'unknown']), version: z.string().nullable() })
    .optional()
    .describe('With a token'),
  agent: z
    .looseObject({ status: z.enum(['up', 'down']), mode: z.enum(['remote', 'in-process']) })
    .optional()
    .describe('With a token'),
  storage: z
    .looseObject({ status: z.enum(['up', 'down']) })
    .optional()
    .describe('With a token'),
  containers: z.looseObject({}).optional().describe('With a token'),
  host: z.looseObject({}).optional().describe('With a token'),
})

export const TicketResponse = okWith({ ticket: z.string(), expiresAt: z.string() })

export const EVENT_STREAM = {
  contentType: 'text/event-stream',
  description:
    "Server-Sent Events: `id`, `event`, `data` (JSON) frames; each event's payload is in `x-events` of this document",
}

export const BulkResultSchema = z.looseObject({
  success: z.boolean(),
  operation: z.enum(['start', 'stop', 'restart', 'delete', 'backup']),
  operationId: z.string(),
  results: z.looseObject({
    success: z.number().int(),
    failed: z.number().int(),
    errors: z.array(z.looseObject({ serviceId: z.string(), error: z.string(), code: z.string() })),
  }),
  items: z.array(
    z.looseObject({
      serviceId: z.string(),
      success: z.boolean(),
      error: z.string().optional(),
      code: z.string().optional(),
    }),
  ),
})

export const OpenApiDocument = z.looseObject({
  openapi: z.literal('3.1.0'),
  info: z.looseObject({}),
  paths: z.record(z.string(), z.looseObject({})),
})
export const HTML_PAGE = { contentType: 'text/html', description: 'The interactive API reference' }
export const SCRIPT = { contentType: 'text/javascript', description: "The reference page's script" }
export const STYLESHEET = { contentType: 'text/css', description: "The reference page's stylesheet" }

export const SessionResponse = okWith({ csrfToken: z.string(), expiresAt: z.union([z.string(), z.number()]) })
export const SessionStateResponse = okWith({
  authenticated: z.literal(true),
  csrfToken: z.string(),
  expiresAt: z.union([z.string(), z.number()]),
})
