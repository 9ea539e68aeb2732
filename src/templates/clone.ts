import type { Template } from '../schemas/template'
import { slugify } from './slug'

/** A copy under a new name and id, with fresh timestamps and a description that names its source. */
export function cloneTemplate(
  source: Template,
  newName: string,
  options: { id: string; now: Date; createdBy?: string },
): Template {
  const stamp = options.now.toISOString()
  const note = `(cloned from ${source.name})`
  const description = source.description ? `${source.description} ${note}` : `Cloned from ${source.name}`
  return {
    ...structuredClone(source),
    id: options.id,
    name: newName,
    slug: slugify(newName),
    description: description.slice(0, 2000),
    isFavorite: false,
    createdAt: stamp,
    updatedAt: stamp,
    createdBy: options.createdBy ?? 'user',
  }
}
