import { z } from 'zod'
import { okWith } from './errors'

/** Response shapes of the template routes (handlers/templates/). */

const Issue = z.looseObject({ path: z.string(), code: z.string(), message: z.string() })

export const TemplateSchema = z.looseObject({
  id: z.string(),
  slug: z.string(),
  name: z.string(),
  description: z.string(),
  category: z.string(),
  image: z.string(),
  tags: z.array(z.string()),
  ports: z.array(z.looseObject({})),
  env: z.array(z.looseObject({ name: z.string() })),
  volumes: z.array(z.looseObject({})),
  tiers: z.looseObject({ basic: z.looseObject({}), plus: z.looseObject({}), pro: z.looseObject({}) }),
  isPublic: z.boolean(),
  isFavorite: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
  createdBy: z.string(),
})

export const TemplateListResponse = okWith({
  templates: z.array(TemplateSchema),
  total: z.number().int(),
  limit: z.number().int(),
  offset: z.number().int(),
  corrupt: z.array(z.string()),
})
export const TemplateResponse = okWith({ template: TemplateSchema })
export const TemplateWrittenResponse = okWith({ message: z.string(), template: TemplateSchema, warnings: z.array(Issue) })
export const TemplateClonedResponse = okWith({ message: z.string(), template: TemplateSchema })
export const TemplateValidationResponse = okWith({ isValid: z.boolean(), errors: z.array(Issue), warnings: z.array(Issue), template: z.looseObject({}).optional() })

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
