import type { Storage } from 'unstorage'
import { conflict } from '../src/errors'
import { createLimiter } from '../src/limiter'
import { CorruptRecordError, type CorruptRecord } from './corrupt-record'
import type { Template } from '../src/schemas/template'
import { DEFAULT_POLICY } from '../src/templates/policy'
import { slugify } from '../src/templates/slug'
import { validateTemplate } from '../src/templates/validate'
import { DEFAULT_TEMPLATES } from './default-templates'
import { freshRead } from './fresh-read'
import { isSafeId, keyFor } from './keys'
import type { SettingsStore } from './settings'

/** The template catalogue: one record per template under `templates:<id>`. */
export interface TemplateStore {
  /**
   * Every template, plus the keys of records that could not be read (reported, never dropped).
   * `version` is the same object for as long as the catalogue read is the same one, so a
   * caller may keep what it derived from the list (the API keeps serialised pages) with it.
   */
  list(): Promise<{ templates: Template[]; corrupt: CorruptRecord[]; version: object }>
  get(id: string): Promise<Template | null>
  /** By id, slug or case-insensitive name: what deploy clients send as `templateId`/`serviceType`. */
  find(ref: string): Promise<Template | null>
  /** Writes a new template; 409 when its name or slug is taken. */
  create(template: Template): Promise<Template>
  /** Replaces a template; 409 when another template has its name or slug. */
  replace(template: Template): Promise<Template>
  remove(id: string): Promise<boolean>
  /** Writes a whole import or nothing: on a failed write, what was written is put back. */
  applyBatch(batch: { create: Template[]; update: Template[] }): Promise<void>
  /** Seeds the defaults not seeded before; runs once per store, every other method awaits it. */
  ready(): Promise<void>
}

const NOT_A_TEMPLATE = 'not a template record (needs id, name, image and slug)'
export const corruptRecord = (key: string) => new CorruptRecordError(`templates:${key}`, NOT_A_TEMPLATE)

const SEEDED_KEY = 'template-defaults'
const REVISION_KEY = 'templates-revision'

function isTemplateRecord(v: unknown): v is Template {
  const t = v as Template
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof t.id === 'string' &&
    typeof t.name === 'string' &&
    typeof t.image === 'string' &&
    typeof t.slug === 'string'
  )
}

/**
 * Reads are served from a snapshot that is reused while the catalogue's revision (one small
 * settings record, changed by every write, from any process) stays the same: listing a large
 * catalogue costs one read instead of one per template. Writes within a process are serialised
 * so that name checks and writes cannot interleave.
 */
export function createTemplateStore(
  storage: Storage,
  settings: SettingsStore,
  options: { seedDefaults?: boolean; now?: () => number } = {},
): TemplateStore {
  const now = options.now ?? Date.now
  const writeLock = createLimiter(1)
  let snapshot: { revision: string; templates: Template[]; corrupt: CorruptRecord[]; version: object } | null = null
  let seeding: Promise<void> | null = null
  // Every list checks the revision; concurrent lists share one read of it (never an older one).
  const readRevision = freshRead(async () => (await settings.get<{ revision?: string }>(REVISION_KEY))?.revision ?? '')

  async function readRaw(id: string): Promise<Template | null> {
    const value = await storage.getItem(keyFor(id))
    if (value === null || value === undefined) return null
    if (!isTemplateRecord(value)) throw corruptRecord(id)
    return value
  }

  async function loadAll() {
    const revision = await readRevision()
    if (snapshot && revision && snapshot.revision === revision) return snapshot
    const keys = (await storage.getKeys()).filter(isSafeId)
    const items = await storage.getItems(keys)
    const templates: Template[] = []
    const corrupt: CorruptRecord[] = []
    for (const { key, value } of items) {
      if (isTemplateRecord(value)) templates.push(value)
      else corrupt.push(corruptRecord(key).record)
    }
    snapshot = { revision, templates, corrupt, version: {} }
    return snapshot
  }

  async function bumpRevision() {
    snapshot = null
    await settings.set(REVISION_KEY, { revision: crypto.randomUUID() })
  }

  function assertUnique(all: readonly Template[], candidate: Template) {
    const name = candidate.name.toLowerCase()
    const clash = all.find((t) => t.id !== candidate.id && (t.name.toLowerCase() === name || t.slug === candidate.slug))
    if (!clash) return
    if (clash.name.toLowerCase() === name)
      throw conflict(`A template named '${clash.name}' already exists; choose another name`, 'name_taken')
    throw conflict(
      `'${candidate.name}' is too close to the template '${clash.name}': both would deploy as '${candidate.slug}'; choose another name`,
      'name_taken',
    )
  }

  /** One write of a whole template, under the lock, with the name still unique. */
  async function save(template: Template) {
    await ready()
    return writeLock(async () => {
      assertUnique((await loadAll()).templates, template)
      await storage.setItem(keyFor(template.id), template as never)
      await bumpRevision()
      return template
    })
  }

  async function seed() {
    const record = await settings.get<{ seeded?: unknown }>(SEEDED_KEY)
    if (record !== null && !Array.isArray(record.seeded))
      throw new CorruptRecordError(`settings:${SEEDED_KEY}`, 'seeded is not a list')
    const seeded = new Set((record?.seeded as string[] | undefined) ?? [])
    const missing = DEFAULT_TEMPLATES.filter((d) => !seeded.has(d.key))
    if (missing.length === 0) return
    await writeLock(async () => {
      const { templates } = await loadAll()
      const stamp = new Date(now()).toISOString()
      for (const def of missing) {
        seeded.add(def.key)
        const id = `default-${def.key}`
        const validation = validateTemplate(def.template, DEFAULT_POLICY)
        if (!validation.data)
          throw new Error(`default template ${def.key} is invalid: ${JSON.stringify(validation.errors)}`)
        const template: Template = {
          ...validation.data,
          id,
          slug: slugify(validation.data.name),
          createdAt: stamp,
          updatedAt: stamp,
          createdBy: 'system',
        }
        // Never over a user's record, nor next to a template of theirs with the same name.
        const taken = templates.some(
          (t) => t.id === id || t.name.toLowerCase() === template.name.toLowerCase() || t.slug === template.slug,
        )
        if (!taken && (await storage.getItem(keyFor(id))) === null) await storage.setItem(keyFor(id), template as never)
      }
      await settings.set(SEEDED_KEY, { seeded: [...seeded] })
      await bumpRevision()
    })
  }

  async function ready() {
    if (options.seedDefaults === false) return
    seeding ??= seed().catch((err) => {
      seeding = null
      throw err
    })
    return seeding
  }

  return {
    ready,
    async list() {
      await ready()
      const { templates, corrupt, version } = await loadAll()
      return { templates: [...templates], corrupt: [...corrupt], version }
    },
    async get(id) {
      await ready()
      if (!isSafeId(id)) return null
      return readRaw(id)
    },
    async find(ref) {
      await ready()
      if (isSafeId(ref)) {
        const byId = await readRaw(ref)
        if (byId) return byId
      }
      const { templates } = await loadAll()
      const lower = ref.toLowerCase()
      return templates.find((t) => t.slug === lower) ?? templates.find((t) => t.name.toLowerCase() === lower) ?? null
    },
    create: (template) => save(template),
    replace: (template) => save(template),
    async remove(id) {
      await ready()
      if (!isSafeId(id)) return false
      return writeLock(async () => {
        if (!(await storage.hasItem(keyFor(id)))) return false
        await storage.removeItem(keyFor(id))
        await bumpRevision()
        return true
      })
    },
    async applyBatch({ create, update }) {
      await ready()
      await writeLock(async () => {
        // The import was planned from a snapshot: check names again against what is stored now.
        const replaced = new Set(update.map((t) => t.id))
        const pool = (await loadAll()).templates.filter((t) => !replaced.has(t.id))
        for (const t of [...update, ...create]) {
          assertUnique(pool, t)
          pool.push(t)
        }
        const previous = new Map<string, Template | null>()
        for (const t of update) previous.set(t.id, await readRaw(t.id))
        const written: string[] = []
        try {
          for (const t of [...update, ...create]) {
            await storage.setItem(keyFor(t.id), t as never)
            written.push(t.id)
          }
        } catch (err) {
          // Put back what this import changed, so a failed write leaves the catalogue as it was.
          for (const id of written) {
            const before = previous.get(id)
            await (before ? storage.setItem(keyFor(id), before as never) : storage.removeItem(keyFor(id))).catch(
              () => {},
            )
          }
          throw err
        } finally {
          if (written.length) await bumpRevision()
        }
      })
    },
  }
}
