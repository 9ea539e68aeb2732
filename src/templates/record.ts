import type { Template, TemplateData } from '../schemas/template'
import { slugify } from './slug'

/** A stored template from validated data and the server's own fields. */
export function newTemplate(data: TemplateData, meta: { id: string; now: Date; createdBy: string }): Template {
  const stamp = meta.now.toISOString()
  return {
    ...data,
    id: meta.id,
    slug: slugify(data.name),
    createdAt: stamp,
    updatedAt: stamp,
    createdBy: meta.createdBy,
  }
}

/** The client-settable fields of a stored template: what the validator takes as input. */
export function templateData(template: Template): TemplateData {
  const { id: _id, slug: _slug, createdAt: _c, updatedAt: _u, createdBy: _b, ...data } = template
  return data
}

/** One line naming the first problems, for the error message; `details` carries them all. */
export function summarise(errors: readonly { path: string; message: string }[], max = 3): string {
  const shown = errors.slice(0, max).map((e) => (e.path ? `${e.path}: ${e.message}` : e.message))
  return shown.join('; ') + (errors.length > max ? `; and ${errors.length - max} more` : '')
}
