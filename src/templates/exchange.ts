import type { Template, TemplateData, ValidationIssue } from '../schemas/template'
import type { TemplatePolicy } from './policy'
import { fromPortainer, isPortainerItem } from './portainer'
import { slugify } from './slug'
import { validateTemplate } from './validate'

/** Our export document: versioned so a later release can still read it. */
export const EXPORT_FORMAT = 'zapierakyat.templates'
export const EXPORT_VERSION = 1
/** Enough for the largest public catalogues (Portainer's v3 file has 524 entries). */
export const MAX_IMPORT_ITEMS = 5000

export interface ExportedTemplate extends TemplateData {
  id: string
  createdAt: string
  updatedAt: string
  createdBy: string
}

export interface TemplateExport {
  format: typeof EXPORT_FORMAT
  version: typeof EXPORT_VERSION
  exportedAt: string
  count: number
  templates: ExportedTemplate[]
}

export function exportTemplates(templates: readonly Template[], now: Date): TemplateExport {
  return {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    exportedAt: now.toISOString(),
    count: templates.length,
    templates: templates.map(({ slug: _slug, ...rest }) => rest),
  }
}

export type ImportSource = 'zapierakyat' | 'portainer' | 'list'

export interface ImportDocument {
  source: ImportSource
  items: unknown[]
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * Recognises what was uploaded: our export, a Portainer v2/v3 file, the original system's
 * export (`{templates, exportVersion}`), a `{templates: [...]}` wrapper or a bare array.
 * Returns a reason when it is none of them.
 */
export function readImportDocument(doc: unknown): ImportDocument | { error: string } {
  if (Array.isArray(doc)) return checkSize({ source: 'list', items: doc })
  if (!isObject(doc)) return { error: 'The import must be a JSON object or array of templates' }
  if (doc.format === EXPORT_FORMAT) {
    if (typeof doc.version !== 'number' || doc.version > EXPORT_VERSION) {
      return {
        error: `This export has version ${String(doc.version)}; this server reads up to version ${EXPORT_VERSION}`,
      }
    }
    if (!Array.isArray(doc.templates)) return { error: "The export has no 'templates' array" }
    return checkSize({ source: 'zapierakyat', items: doc.templates })
  }
  if (!Array.isArray(doc.templates))
    return { error: "Expected a 'templates' array, a bare array, our export or a Portainer templates file" }
  const version = String(doc.version ?? '')
  if (version === '2' || version === '3') return checkSize({ source: 'portainer', items: doc.templates })
  if (doc.version !== undefined && !('exportVersion' in doc)) {
    return { error: `Portainer templates version ${version} is not supported (versions 2 and 3 are)` }
  }
  return checkSize({ source: 'list', items: doc.templates })
}

function checkSize(doc: ImportDocument): ImportDocument | { error: string } {
  return doc.items.length > MAX_IMPORT_ITEMS
    ? { error: `At most ${MAX_IMPORT_ITEMS} templates per import (got ${doc.items.length})` }
    : doc
}

export interface ImportFailure {
  index: number
  name: string
  errors: ValidationIssue[]
}

export interface ImportResult {
  imported: number
  updated: number
  skipped: number
  failed: ImportFailure[]
  /** Why each skipped item was skipped (a stack template, a name that exists without `overwrite`). */
  skippedItems: { index: number; name: string; reason: string }[]
  warnings: { index: number; name: string; warnings: ValidationIssue[] }[]
}

export interface ImportPlan {
  result: ImportResult
  create: Template[]
  update: Template[]
}

export interface PlanOptions {
  existing: readonly Template[]
  policy: TemplatePolicy
  overwrite: boolean
  now: Date
  newId: () => string
}

const META_FIELDS = ['id', 'slug', 'createdAt', 'updatedAt', 'createdBy'] as const
const isIsoDate = (v: unknown): v is string =>
  typeof v === 'string' && /^\d{4}-\d\d-\d\dT/.test(v) && !Number.isNaN(Date.parse(v))

/**
 * Decides, for every item, what importing it means — without writing anything, so the caller
 * can write all or nothing. One bad item never stops the others; every item ends up counted as
 * imported, updated, skipped (with a reason) or failed (with its errors).
 */
export function planImport(doc: ImportDocument, options: PlanOptions): ImportPlan {
  const result: ImportResult = { imported: 0, updated: 0, skipped: 0, failed: [], skippedItems: [], warnings: [] }
  const create: Template[] = []
  const update: Template[] = []
  const byKey = new Map<string, Template>()
  for (const t of options.existing) {
    byKey.set(`name:${t.name.toLowerCase()}`, t)
    byKey.set(`slug:${t.slug}`, t)
  }
  const seen = new Map<string, number>()
  const stamp = options.now.toISOString()

  doc.items.forEach((item, index) => {
    let input: unknown = item
    let name = isObject(item) && typeof item.name === 'string' ? item.name : ''
    const preErrors: ValidationIssue[] = []
    const preWarnings: ValidationIssue[] = []
    let meta: Record<string, unknown> = {}
    if (doc.source === 'portainer' || (doc.source === 'list' && isPortainerItem(item))) {
      const converted = fromPortainer(item, options.policy)
      name = converted.name
      if (converted.kind === 'skip') {
        result.skipped++
        result.skippedItems.push({ index, name, reason: converted.reason })
        return
      }
      input = converted.input
      preErrors.push(...converted.errors)
      preWarnings.push(...converted.warnings)
    } else if (isObject(item)) {
      // Our own export carries ids and timestamps: ids are always new here, history is kept.
      const copy: Record<string, unknown> = { ...item }
      for (const field of META_FIELDS) delete copy[field]
      if (doc.source === 'zapierakyat') meta = item
      input = copy
    }
    const validation = validateTemplate(input, options.policy)
    const errors = [...preErrors, ...validation.errors]
    const warnings = [...preWarnings, ...validation.warnings]
    if (errors.length || !validation.data) {
      result.failed.push({ index, name, errors })
      return
    }
    const data = validation.data
    const slug = slugify(data.name)
    const keys = [`name:${data.name.toLowerCase()}`, `slug:${slug}`]
    const earlier = keys.map((k) => seen.get(k)).find((i) => i !== undefined)
    if (earlier !== undefined) {
      result.failed.push({
        index,
        name: data.name,
        errors: [
          {
            path: 'name',
            code: 'duplicate_in_import',
            message: `'${data.name}' has the same name as item ${earlier} of this import`,
          },
        ],
      })
      return
    }
    for (const k of keys) seen.set(k, index)
    if (warnings.length) result.warnings.push({ index, name: data.name, warnings })
    const existing = keys.map((k) => byKey.get(k)).find(Boolean)
    if (existing && !options.overwrite) {
      result.skipped++
      result.skippedItems.push({
        index,
        name: data.name,
        reason: `a template named '${existing.name}' exists; import with overwrite to replace it`,
      })
      return
    }
    if (existing) {
      update.push({
        ...data,
        id: existing.id,
        slug,
        createdAt: existing.createdAt,
        updatedAt: stamp,
        createdBy: existing.createdBy,
      })
      result.updated++
      return
    }
    create.push({
      ...data,
      id: options.newId(),
      slug,
      createdAt: isIsoDate(meta.createdAt) ? meta.createdAt : stamp,
      updatedAt: isIsoDate(meta.updatedAt) ? meta.updatedAt : stamp,
      createdBy: typeof meta.createdBy === 'string' && meta.createdBy ? meta.createdBy.slice(0, 64) : 'import',
    })
    result.imported++
  })
  return { result, create, update }
}
