import { z } from 'zod'
import { okWith } from './errors'

/** Response shapes of the template routes (handlers/templates/). */

const Issue = z.looseObject({ path: z.string(), code: z.string(), message: z.string() })

/**
 * A stored template. Records written by older versions may lack fields and are served as they
 * are (GET /api/templates searches through them), so only `id` and `name` are required.
 */
export const TemplateSchema = z.looseObject({
  id: z.string(),
  slug: z.string().optional(),
  name: z.string(),
  description: z.string().optional(),
  category: z.string().optional(),
  image: z.string().optional(),
  tags: z.array(z.string()).optional(),
  ports: z.array(z.looseObject({})).optional(),
  env: z.array(z.looseObject({ name: z.string() })).optional(),
  volumes: z.array(z.looseObject({})).optional(),
  tiers: z.looseObject({ basic: z.looseObject({}), plus: z.looseObject({}), pro: z.looseObject({}) }).optional(),
  isPublic: z.boolean().optional(),
  isFavorite: z.boolean().optional(),
  createdAt: z.string().optional(),
  updatedAt: z.string().optional(),
  createdBy: z.string().optional(),
})

export const TemplateListResponse = okWith({
  templates: z.array(TemplateSchema),
  total: z.number().int(),
  limit: z.number().int(),
  offset: z.number().int(),
  corrupt: z.array(z.string()),
})
export const TemplateResponse = okWith({ template: TemplateSchema })
export const TemplateWrittenResponse = okWith({
  message: z.string(),
  template: TemplateSchema,
  warnings: z.array(Issue),
})
export const TemplateClonedResponse = okWith({ message: z.string(), template: TemplateSchema })
export const TemplateValidationResponse = okWith({
  isValid: z.boolean(),
  errors: z.array(Issue),
  warnings: z.array(Issue),
  template: z.looseObject({}).optional(),
})

/** Not an envelope: the document itself, which `POST /api/templates/import` reads back. */
export const TemplateExportDocument = z.looseObject({
  format: z.literal('zapierakyat.templates'),
  version: z.literal(1),
  exportedAt: z.string(),
  count: z.number().int(),
  templates: z.array(z.looseObject({ id: z.string(), name: z.string() })),
})

export const TemplateImportResponse = okWith({
  message: z.string(),
  source: z.enum(['zapierakyat', 'portainer', 'list']),
  result: z.looseObject({
    imported: z.number().int(),
    updated: z.number().int(),
    skipped: z.number().int(),
    failed: z.array(z.looseObject({})),
    skippedItems: z.array(z.looseObject({})),
    warnings: z.array(z.looseObject({})),
  }),
})
