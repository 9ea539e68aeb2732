import fc from 'fast-check'
import { createStorage, prefixStorage } from 'unstorage'
import memoryDriver from 'unstorage/drivers/memory'
import { describe, expect, it } from 'vitest'
import { createSettingsStore } from '../../storage/settings'
import { createTemplateStore } from '../../storage/templates'
import { TEMPLATE_CATEGORIES, type Template } from '../../src/schemas/template'
import { exportTemplates, planImport, readImportDocument, type ImportDocument } from '../../src/templates/exchange'
import { newTemplate } from '../../src/templates/record'
import { slugify } from '../../src/templates/slug'
import { validateTemplate } from '../../src/templates/validate'

const POLICY = { bindMountAllowlist: ['/srv'] }

const word = fc.stringMatching(/^[a-z0-9]{1,8}$/)
const text = (maxLength: number) => fc.string({ unit: 'grapheme', maxLength })
const name = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9]([A-Za-z0-9 ._-]{0,20}[A-Za-z0-9])?$/),
  fc.constantFrom('Café Ñandú', 'Übersicht 2', 'WAHA Plus'),
)
const duration = fc.constantFrom('500ms', '5s', '30s', '2m', '1h')

const env = fc
  .record({
    name: fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,15}$/),
    label: fc.option(text(20), { nil: undefined }),
    description: text(40),
    required: fc.boolean(),
    kind: fc.constantFrom('plain', 'default', 'options', 'secret', 'generated'),
    value: text(20),
    generate: fc.constantFrom('password', 'hex32', 'uuid'),
    options: fc.uniqueArray(word, { minLength: 1, maxLength: 4 }),
  })
  .map(({ kind, value, generate, options, label, ...e }) => ({
    ...e,
    ...(label === undefined ? {} : { label }),
    secret: kind === 'secret' || kind === 'generated',
    ...(kind === 'default' ? { default: value } : {}),
    ...(kind === 'generated' ? { generate } : {}),
    ...(kind === 'options'
      ? { options: options.map((o) => ({ label: o.toUpperCase(), value: o })), default: options[0] }
      : {}),
  }))

const template = fc
  .record({
    description: text(80),
    category: fc.constantFrom(...TEMPLATE_CATEGORIES),
    image: fc
      .tuple(
        fc.option(fc.constantFrom('ghcr.io', 'registry.test:5000'), { nil: undefined }),
        word,
        word,
        fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,10}$/),
      )
      .map(([host, owner, repo, tag]) => `${host ? `${host}/` : ''}${owner}/${repo}:${tag}`),
    logo: fc.constantFrom('', 'https://logo.test/x.png'),
    tags: fc.uniqueArray(word, { maxLength: 5 }),
    ports: fc.uniqueArray(
      fc.record({
        container: fc.integer({ min: 1, max: 65535 }),
        protocol: fc.constantFrom('tcp', 'udp'),
        withHost: fc.boolean(),
        description: text(20),
      }),
      {
        maxLength: 4,
        selector: (p) => `${p.container}/${p.protocol}`,
      },
    ),
    env: fc.uniqueArray(env, { maxLength: 6, selector: (e) => e.name }),
    volumes: fc.uniqueArray(
      fc.record({
        path: word,
        kind: fc.constantFrom('anonymous', 'named', 'bind'),
        readOnly: fc.boolean(),
        description: text(20),
      }),
      { maxLength: 4, selector: (v) => v.path },
    ),
    command: fc.array(text(12), { maxLength: 4 }),
    healthcheck: fc.option(
      fc.record({
        test: fc.tuple(fc.constantFrom('CMD', 'CMD-SHELL'), text(20)).map((t) => [...t]),
        interval: duration,
        timeout: duration,
        retries: fc.integer({ min: 0, max: 10 }),
        startPeriod: duration,
      }),
      { nil: null },
    ),
    restartPolicy: fc.constantFrom('no', 'always', 'unless-stopped', 'on-failure'),
    networkMode: fc.constantFrom('bridge', 'none'),
    labels: fc.dictionary(fc.stringMatching(/^[a-y][a-z0-9.]{0,10}$/), text(20), { maxKeys: 3 }),
    tiers: fc.record(
      {
        basic: fc.record({
          memory: fc.constantFrom('64m', '512m', '1g', '1536m'),
          cpus: fc.constantFrom(0.25, 0.5, 1, 2),
        }),
      },
      { requiredKeys: [] },
    ),
    requirements: fc.record(
      {
        minMemory: fc.integer({ min: 128, max: 8192 }),
        minCpu: fc.constantFrom(0.1, 0.5, 2),
        minDisk: fc.integer({ min: 1, max: 100 }),
      },
      { requiredKeys: [] },
    ),
    note: text(80),
    isPublic: fc.boolean(),
    isFavorite: fc.boolean(),
  })
  .map(({ ports, volumes, ...t }) => ({
    ...t,
    // Distinct host ports by construction: duplicates are a validation error, tested elsewhere.
    ports: ports.map(({ withHost, ...p }, i) => ({ ...p, ...(withHost ? { host: 20000 + i } : {}) })),
    volumes: volumes.map(({ path, kind, ...v }) => ({
      ...v,
      container: `/${path}`,
      ...(kind === 'named' ? { name: `v-${path}` } : {}),
      ...(kind === 'bind' ? { bind: `/srv/${path}` } : {}),
    })),
  }))

const catalogue = fc
  .uniqueArray(fc.tuple(name, template), {
    maxLength: 8,
    selector: ([n]) => slugify(n),
  })
  .filter(
    (items) =>
      items.every(([n]) => slugify(n) !== '') && new Set(items.map(([n]) => n.toLowerCase())).size === items.length,
  )

function emptyStore() {
  const storage = createStorage({ driver: memoryDriver() })
  return createTemplateStore(
    prefixStorage(storage, 'templates'),
    createSettingsStore(prefixStorage(storage, 'settings')),
    { seedDefaults: false },
  )
}

const withoutId = ({ id: _id, ...rest }: Template) => rest
const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name)

describe('export → import round trip', () => {
  it('gives an identical catalogue (new ids, everything else equal)', async () => {
    await fc.assert(
      fc.asyncProperty(catalogue, async (items) => {
        // The catalogue as the API would have stored it: every template through the validator.
        const source = items.map(([n, input], i) => {
          const validation = validateTemplate({ ...input, name: n }, POLICY)
          expect(validation.errors).toEqual([])
          return newTemplate(validation.data!, {
            id: `src-${i}`,
            now: new Date(Date.UTC(2026, 0, 1 + i)),
            createdBy: i % 2 ? 'user' : 'system',
          })
        })
        const file = JSON.parse(JSON.stringify(exportTemplates(source, new Date('2026-02-01T00:00:00Z'))))
        const store = emptyStore()
        const read = readImportDocument(file) as ImportDocument
        expect(read.source).toBe('zapierakyat')
        let n = 0
        const plan = planImport(read, {
          existing: [],
          policy: POLICY,
          overwrite: false,
          now: new Date('2026-03-01T00:00:00Z'),
          newId: () => `new-${n++}`,
        })
        expect(plan.result).toMatchObject({ imported: source.length, updated: 0, skipped: 0, failed: [] })
        await store.applyBatch(plan)
        const { templates: imported, corrupt } = await store.list()
        expect(corrupt).toEqual([])
        expect(imported.map(withoutId).sort(byName)).toEqual(source.map(withoutId).sort(byName))
        expect(imported.every((t) => t.id.startsWith('new-'))).toBe(true)
      }),
      { numRuns: 60 },
    )
  })

  it('imports a second time as skips, and with overwrite as updates, never as duplicates', async () => {
    await fc.assert(
      fc.asyncProperty(catalogue, fc.boolean(), async (items, overwrite) => {
        const store = emptyStore()
        const source = items.map(([n, input], i) =>
          newTemplate(validateTemplate({ ...input, name: n }, POLICY).data!, {
            id: `src-${i}`,
            now: new Date(),
            createdBy: 'user',
          }),
        )
        await store.applyBatch({ create: source, update: [] })
        const read = readImportDocument(
          JSON.parse(JSON.stringify(exportTemplates(source, new Date()))),
        ) as ImportDocument
        const plan = planImport(read, {
          existing: source,
          policy: POLICY,
          overwrite,
          now: new Date(),
          newId: () => crypto.randomUUID(),
        })
        expect(plan.result).toMatchObject(
          overwrite
            ? { imported: 0, updated: source.length, skipped: 0 }
            : { imported: 0, updated: 0, skipped: source.length },
        )
        await store.applyBatch(plan)
        const { templates } = await store.list()
        expect(templates.map((t) => t.id).sort()).toEqual(source.map((t) => t.id).sort())
      }),
      { numRuns: 30 },
    )
  })
})

describe('a failed import write', () => {
  it('puts back what it had written: the catalogue is as before', async () => {
    const driver = memoryDriver()
    let writes = 0
    const failing = {
      ...driver,
      setItem: (key: string, value: string, opts: unknown) =>
        key.startsWith('templates:') && ++writes === 3
          ? Promise.reject(new Error('disk full'))
          : driver.setItem!(key, value, opts as never),
    }
    const storage = createStorage({ driver: failing })
    const store = createTemplateStore(
      prefixStorage(storage, 'templates'),
      createSettingsStore(prefixStorage(storage, 'settings')),
      { seedDefaults: false },
    )
    const make = (name: string, image: string, id: string) =>
      newTemplate(validateTemplate({ name, image }, POLICY).data!, { id, now: new Date(), createdBy: 'user' })
    await store.create(make('Keep', 'keep:1', 'keep'))
    writes = 0
    await expect(
      store.applyBatch({
        update: [make('Keep', 'keep:2', 'keep')],
        create: [make('New one', 'a:1', 'n1'), make('New two', 'b:1', 'n2')],
      }),
    ).rejects.toThrow('disk full')
    const { templates } = await store.list()
    expect(templates.map((t) => `${t.id}:${t.image}`)).toEqual(['keep:keep:1'])
  })
})
