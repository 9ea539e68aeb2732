import type { TemplateStore } from '../../storage/templates'
import { exportTemplates } from './exchange'

/** The whole catalogue as one export document and its download name (two routes serve it). */
export async function exportCatalogue(store: Pick<TemplateStore, 'list'>, now: Date) {
  const { templates } = await store.list()
  const sorted = [...templates].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id))
  return {
    document: exportTemplates(sorted, now),
    filename: `zapierakyat-templates-${now.toISOString().slice(0, 10)}.json`,
  }
}
