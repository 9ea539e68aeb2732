import { readFileSync } from 'node:fs'
import memoryDriver from 'unstorage/drivers/memory'
import { beforeEach, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config'
import { createStores } from '../../storage'
import { auth, buildTestApp } from '../helpers/app'
import { describeBothWays } from '../helpers/targets'

const FIXTURES = new URL('../fixtures/portainer-templates/', import.meta.url)
const fixture = (file: string) => readFileSync(new URL(file, FIXTURES), 'utf8')

let now = Date.parse('2026-01-01T00:00:00Z')
const clock = { now: () => now }
let built: Awaited<ReturnType<typeof buildTestApp>>
beforeEach(async () => {
  now = Date.parse('2026-01-01T00:00:00Z')
  built = await buildTestApp({ clock })
})

const json = (body: unknown, method = 'POST') => ({
  method,
  headers: { ...auth, 'content-type': 'application/json' },
  body: JSON.stringify(body),
})
const DEFAULT_NAMES = ['ActivePieces', 'n8n', 'nginx', 'PostgreSQL', 'Redis', 'WAHA']

describeBothWays(
  'template handlers',
  () => built.app,
  (target) => {
    const call = (path: string, init: RequestInit = {}) =>
      target().request(path, { ...init, headers: { ...auth, ...(init.headers as Record<string, string>) } })
    const create = async (body: Record<string, unknown>) => {
      const res = await target().request('/api/templates', json(body))
      return { res, body: await res.json() }
    }

    describe('the default catalogue', () => {
      it('is seeded on first use with the six defaults, sorted by name, with no default password', async () => {
        const res = await call('/api/templates')
        expect(res.status).toBe(200)
        const body = await res.json()
        expect(body.total).toBe(6)
        expect(body.templates.map((t: { name: string }) => t.name)).toEqual(DEFAULT_NAMES)
        const pg = body.templates.find((t: { slug: string }) => t.slug === 'postgresql')
        expect(pg).toMatchObject({
          image: 'postgres:16',
          ports: [{ container: 5432 }],
          volumes: [{ container: '/var/lib/postgresql/data' }],
          createdBy: 'system',
        })
        expect(pg.env.find((e: { name: string }) => e.name === 'POSTGRES_PASSWORD')).toEqual(
          expect.objectContaining({ secret: true, generate: 'password' }),
        )
        for (const t of body.templates)
          for (const e of t.env) if (e.secret) expect(e.default, `${t.name} ${e.name}`).toBeUndefined()
      })
    })

    describe('GET /api/templates', () => {
      it('searches name, description and tags without regard to case', async () => {
        const names = async (q: string) =>
          (await (await call(`/api/templates?${q}`)).json()).templates.map((t: { name: string }) => t.name)
        expect(await names('search=POSTGRES')).toEqual(['PostgreSQL'])
        expect(await names('search=whatsapp')).toEqual(['WAHA'])
        expect(await names('search=no-code')).toEqual(['ActivePieces', 'n8n'])
        expect(await names('category=database')).toEqual(['PostgreSQL', 'Redis'])
        expect(await names('category=database&search=cache')).toEqual(['Redis'])
        expect(await names('search=nothing-like-this')).toEqual([])
      })

      it('pages with limit and offset and reports the total', async () => {
        const body = await (await call('/api/templates?limit=2&offset=2')).json()
        expect(body).toMatchObject({ total: 6, limit: 2, offset: 2 })
        expect(body.templates.map((t: { name: string }) => t.name)).toEqual(['nginx', 'PostgreSQL'])
      })

      it('sorts by another field and order', async () => {
        const body = await (await call('/api/templates?sort=category&order=desc')).json()
        expect(body.templates.map((t: { category: string }) => t.category)).toEqual([
          'web',
          'messaging',
          'database',
          'database',
          'automation',
          'automation',
        ])
      })

      it('refuses a repeated parameter, an unknown one and out-of-range paging with 400', async () => {
        for (const q of [
          'search=a&search=b',
          'colour=red',
          'limit=0',
          'limit=501',
          'offset=-1',
          'category=games',
          'sort=image',
        ]) {
          const res = await call(`/api/templates?${q}`)
          expect(res.status, q).toBe(400)
          expect((await res.json()).code).toBe('invalid_input')
        }
      })

      it('searches safely through records that lack fields, and reports unreadable ones', async () => {
        await built.deps.stores.templates.ready()
        await built.deps.stores.storage.setItem('templates:bare', {
          id: 'bare',
          slug: 'bare',
          name: 'Bare',
          image: 'bare:1',
        })
        await built.deps.stores.storage.setItem('templates:broken', 'not a template')
        await built.deps.stores.settings.set('templates-revision', { revision: 'changed-behind-our-back' })
        const body = await (await call('/api/templates?search=bar')).json()
        expect(body.templates.map((t: { name: string }) => t.name)).toEqual(['Bare'])
        expect(body.corrupt).toEqual([{ key: 'templates:broken', reason: expect.any(String) }])
        const res = await call('/api/templates/broken')
        expect(res.status).toBe(500)
        expect(await res.json()).toMatchObject({
          code: 'corrupt_record',
          error: expect.stringContaining('templates:broken'),
          details: [{ key: 'templates:broken' }],
        })
      })
    })

    describe('POST /api/templates', () => {
      it('creates with a server-generated id, ignoring the one sent, and returns warnings', async () => {
        const { res, body } = await create({
          id: 'my-own-id',
          name: 'Uptime Kuma',
          image: 'louislam/uptime-kuma',
          category: 'monitoring',
          ports: ['3001:3001/tcp'],
        })
        expect(res.status).toBe(201)
        expect(body.template.id).toMatch(/^[0-9a-f-]{36}$/)
        expect(body.template).toMatchObject({
          name: 'Uptime Kuma',
          slug: 'uptime-kuma',
          createdAt: '2026-01-01T00:00:00.000Z',
          createdBy: 'user',
          ports: [{ container: 3001, host: 3001 }],
        })
        expect(body.warnings.map((w: { code: string }) => w.code).sort()).toEqual(['ignored_field', 'untagged_image'])
        expect((await call(`/api/templates/${body.template.id}`)).status).toBe(200)
        expect((await call('/api/templates/my-own-id')).status).toBe(404)
      })

      it('refuses an invalid template with 422 and every problem, with its path', async () => {
        const { res, body } = await create({
          name: 'Bad',
          image: 'Not An Image',
          privileged: true,
          volumes: ['/var/run/docker.sock:/var/run/docker.sock'],
        })
        expect(res.status).toBe(422)
        expect(body).toMatchObject({ success: false, code: 'invalid_entity' })
        expect(body.details.map((d: { path: string; code: string }) => `${d.path}:${d.code}`).sort()).toEqual([
          'image:invalid_image',
          'privileged:privileged',
          'volumes.0.bind:docker_socket',
        ])
        expect((await (await call('/api/templates?search=bad')).json()).total).toBe(0)
      })

      it('refuses a name that is taken, whatever its case, with 409', async () => {
        const { res, body } = await create({ name: 'postgresql', image: 'postgres:17' })
        expect(res.status).toBe(409)
        expect(body.code).toBe('name_taken')
      })

      it('refuses a body that is not a JSON object with 400', async () => {
        expect((await target().request('/api/templates', json([{ name: 'x' }]))).status).toBe(400)
        expect(
          (
            await target().request('/api/templates', {
              method: 'POST',
              headers: { ...auth, 'content-type': 'application/json' },
              body: '{"name":',
            })
          ).status,
        ).toBe(400)
      })
    })

    describe('GET, PUT and DELETE /api/templates/:id', () => {
      it('refuses traversal and oversized ids with 400 and answers unknown ids with 404', async () => {
        for (const id of ['..%2Fsettings', '%2e%2e%2f', 'x'.repeat(300), 'a%20b']) {
          expect((await call(`/api/templates/${id}`)).status, id).toBe(400)
          expect((await call(`/api/templates/${id}`, { method: 'DELETE' })).status, id).toBe(400)
        }
        expect((await call('/api/templates/no-such-template')).status).toBe(404)
      })

      it('updates the fields sent, keeps the rest, the id and createdAt, and bumps updatedAt', async () => {
        const before = (await (await call('/api/templates/default-n8n')).json()).template
        now += 60_000
        const res = await target().request(
          '/api/templates/default-n8n',
          json({ description: 'Mine now', isFavorite: true, createdAt: '1999-01-01T00:00:00Z' }, 'PUT'),
        )
        expect(res.status).toBe(200)
        const { template } = await res.json()
        expect(template).toMatchObject({
          id: 'default-n8n',
          name: 'n8n',
          image: 'n8nio/n8n:latest',
          description: 'Mine now',
          isFavorite: true,
          createdAt: before.createdAt,
          updatedAt: '2026-01-01T00:01:00.000Z',
        })
      })

      it('refuses an update that makes the template invalid (422) or takes another name (409)', async () => {
        const bad = await target().request('/api/templates/default-n8n', json({ networkMode: 'host' }, 'PUT'))
        expect(bad.status).toBe(422)
        expect((await bad.json()).details).toContainEqual(
          expect.objectContaining({ path: 'networkMode', code: 'host_network' }),
        )
        expect((await target().request('/api/templates/default-n8n', json({ name: 'Redis' }, 'PUT'))).status).toBe(409)
        expect((await target().request('/api/templates/nope', json({ name: 'x' }, 'PUT'))).status).toBe(404)
      })

      it('deletes, then answers 404', async () => {
        expect((await call('/api/templates/default-nginx', { method: 'DELETE' })).status).toBe(200)
        expect((await call('/api/templates/default-nginx', { method: 'DELETE' })).status).toBe(404)
        expect((await (await call('/api/templates')).json()).total).toBe(5)
      })
    })

    describe('POST /api/templates/validate', () => {
      it('answers the validator’s verdict without storing anything', async () => {
        const ok = await (
          await target().request('/api/templates/validate', json({ name: 'X', image: 'x:1', ports: ['80'] }))
        ).json()
        expect(ok).toMatchObject({
          success: true,
          isValid: true,
          errors: [],
          warnings: [],
          template: { ports: [{ container: 80, protocol: 'tcp' }] },
        })
        const bad = await (
          await target().request('/api/templates/validate', json({ image: 'x', devices: ['/dev/sda'], extra: 1 }))
        ).json()
        expect(bad).toMatchObject({
          isValid: false,
          errors: expect.arrayContaining([
            expect.objectContaining({ path: 'name', code: 'invalid_type' }),
            expect.objectContaining({ path: 'devices', code: 'devices' }),
          ]),
          warnings: expect.arrayContaining([
            expect.objectContaining({ path: 'extra', code: 'unknown_field' }),
            expect.objectContaining({ path: 'image', code: 'untagged_image' }),
          ]),
        })
        expect(bad).not.toHaveProperty('template')
        const notObject = await (await target().request('/api/templates/validate', json(['x']))).json()
        expect(notObject).toMatchObject({ isValid: false, errors: [{ path: '', code: 'invalid_type' }] })
        expect((await (await call('/api/templates')).json()).total).toBe(6)
      })
    })

    describe('POST /api/templates/:id/clone', () => {
      it('copies under a new id and a new name, noting the source, with fresh timestamps', async () => {
        now += 3_600_000
        const res = await target().request(
          '/api/templates/default-postgresql/clone',
          json({ newName: 'PostgreSQL for reports' }),
        )
        expect(res.status).toBe(201)
        const { template } = await res.json()
        expect(template).toMatchObject({
          name: 'PostgreSQL for reports',
          slug: 'postgresql-for-reports',
          image: 'postgres:16',
          createdAt: '2026-01-01T01:00:00.000Z',
          updatedAt: '2026-01-01T01:00:00.000Z',
        })
        expect(template.id).not.toBe('default-postgresql')
        expect(template.description).toContain('cloned from PostgreSQL')
      })

      it('needs a new name that is free', async () => {
        expect((await target().request('/api/templates/default-redis/clone', json({}))).status).toBe(400)
        expect((await target().request('/api/templates/default-redis/clone', json({ newName: 'REDIS' }))).status).toBe(
          409,
        )
        expect((await target().request('/api/templates/default-redis/clone', json({ newName: '***' }))).status).toBe(
          422,
        )
        expect((await target().request('/api/templates/ghost/clone', json({ newName: 'x' }))).status).toBe(404)
      })
    })

    describe('export', () => {
      it('offers the catalogue as a versioned attachment', async () => {
        const res = await call('/api/templates/export/all')
        expect(res.status).toBe(200)
        expect(res.headers.get('content-disposition')).toBe(
          'attachment; filename="zapierakyat-templates-2026-01-01.json"',
        )
        const doc = await res.json()
        expect(doc).toMatchObject({
          format: 'zapierakyat.templates',
          version: 1,
          exportedAt: '2026-01-01T00:00:00.000Z',
          count: 6,
        })
        expect(doc.templates.map((t: { name: string }) => t.name)).toEqual(DEFAULT_NAMES)
      })

      it('offers one template in the same document', async () => {
        const res = await call('/api/templates/default-waha/export')
        expect(res.headers.get('content-disposition')).toBe('attachment; filename="zapierakyat-template-waha.json"')
        expect(await res.json()).toMatchObject({
          format: 'zapierakyat.templates',
          count: 1,
          templates: [{ name: 'WAHA' }],
        })
        expect((await call('/api/templates/ghost/export')).status).toBe(404)
      })
    })

    describe('POST /api/templates/import', () => {
      it('imports our own export into an empty catalogue, identical but for the ids', async () => {
        await target().request('/api/templates/default-n8n', json({ description: 'edited before export' }, 'PUT'))
        const exported = await (await call('/api/templates/export/all')).json()
        for (const t of exported.templates) await call(`/api/templates/${t.id}`, { method: 'DELETE' })
        const res = await target().request('/api/templates/import', json(exported))
        expect(res.status).toBe(200)
        const body = await res.json()
        expect(body).toMatchObject({
          source: 'zapierakyat',
          result: { imported: 6, updated: 0, skipped: 0, failed: [] },
        })
        const after = (await (await call('/api/templates')).json()).templates
        const strip = ({ id: _id, ...t }: { id: string }) => t
        expect(after.map(strip)).toEqual(
          exported.templates.map((t: { id: string }) =>
            strip({
              ...t,
              slug: after.find(
                (a: { name: string; slug: string }) => a.name === (t as unknown as { name: string }).name,
              ).slug,
            } as { id: string }),
          ),
        )
        expect(after.find((t: { name: string }) => t.name === 'n8n').description).toBe('edited before export')
      })

      it('skips names that exist, or replaces them with overwrite', async () => {
        const item = { name: 'Redis', image: 'redis:8', category: 'database' }
        let body = await (await target().request('/api/templates/import', json([item]))).json()
        expect(body.result).toMatchObject({
          imported: 0,
          updated: 0,
          skipped: 1,
          skippedItems: [{ index: 0, name: 'Redis', reason: expect.stringContaining('overwrite') }],
        })
        body = await (await target().request('/api/templates/import?overwrite=true', json([item]))).json()
        expect(body.result).toMatchObject({ updated: 1 })
        const redis = await (await call('/api/templates/default-redis')).json()
        expect(redis.template).toMatchObject({ image: 'redis:8', createdBy: 'system' })
        // The original clients' wrapper, with overwrite in the body.
        body = await (
          await target().request(
            '/api/templates/import',
            json({ templates: [{ ...item, image: 'redis:9' }], overwrite: true }),
          )
        ).json()
        expect(body.result.updated).toBe(1)
      })

      it('imports the valid items of a mixed list and reports each failure with its reasons', async () => {
        const body = await (
          await target().request(
            '/api/templates/import',
            json([
              { name: 'Good', image: 'good:1' },
              { name: 'Evil', image: 'evil:1', privileged: true },
              { image: 'nameless:1' },
            ]),
          )
        ).json()
        expect(body.result).toMatchObject({
          imported: 1,
          failed: [
            { index: 1, name: 'Evil', errors: [expect.objectContaining({ code: 'privileged' })] },
            { index: 2, name: '', errors: [expect.objectContaining({ path: 'name' })] },
          ],
        })
      })

      it('writes nothing and answers 422 when no item can be imported', async () => {
        const res = await target().request(
          '/api/templates/import',
          json([{ name: 'Evil', image: 'evil:1', networkMode: 'host' }]),
        )
        expect(res.status).toBe(422)
        expect((await res.json()).details).toEqual([
          { index: 0, name: 'Evil', errors: [expect.objectContaining({ code: 'host_network' })] },
        ])
      })

      it('imports a Portainer v2 file sent as the JSON body', async () => {
        const res = await target().request('/api/templates/import', {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json' },
          body: fixture('templates-v2.json'),
        })
        const body = await res.json()
        expect(res.status).toBe(200)
        // 266 container templates: 33 fail, 4 share a name with a default (kept: no overwrite), 229 are new.
        expect(body).toMatchObject({ source: 'portainer', result: { imported: 229, updated: 0, skipped: 185 + 4 } })
        expect(body.result.failed).toHaveLength(33)
        const existing = body.result.skippedItems.filter((s: { reason: string }) => s.reason.includes('exists'))
        expect(existing.map((s: { name: string }) => s.name).sort()).toEqual(['Nginx', 'PostgreSQL', 'Redis', 'n8n'])
        expect((await (await call('/api/templates?limit=1')).json()).total).toBe(6 + 229)
      })

      it('imports a Portainer v3 file uploaded as multipart, overwrite in the form', async () => {
        const form = new FormData()
        form.append('file', new Blob([fixture('templates-v3.json')], { type: 'application/json' }), 'templates.json')
        form.append('overwrite', 'true')
        const res = await call('/api/templates/import', { method: 'POST', body: form })
        expect(res.status).toBe(200)
        const { result } = await res.json()
        // 284 container templates: 33 fail, 3 replace the default of the same name, 248 are new.
        expect(result).toMatchObject({ imported: 248, updated: 3, skipped: 240 })
        expect(result.failed).toHaveLength(33)
      })

      it('refuses an unreadable upload, a missing file field and other content types', async () => {
        const broken = new FormData()
        broken.append('file', new Blob(['{"templates": ['], { type: 'application/json' }), 't.json')
        expect((await call('/api/templates/import', { method: 'POST', body: broken })).status).toBe(400)
        const empty = new FormData()
        empty.append('other', 'x')
        expect((await call('/api/templates/import', { method: 'POST', body: empty })).status).toBe(400)
        expect(
          (
            await call('/api/templates/import', {
              method: 'POST',
              headers: { 'content-type': 'text/plain' },
              body: 'x',
            })
          ).status,
        ).toBe(415)
        expect((await target().request('/api/templates/import', json({ hello: 'world' }))).status).toBe(400)
      })
    })
  },
)

describe('seeding', () => {
  it('happens once: an edited default keeps its edit and a deleted default stays deleted across restarts', async () => {
    const config = loadConfig({ ZAPIE_STORAGE: 'memory' })
    const driver = memoryDriver()
    const first = await createStores(config, { driver })
    const { templates } = await first.templates.list()
    expect(templates).toHaveLength(6)
    const n8n = templates.find((t) => t.id === 'default-n8n')!
    await first.templates.replace({ ...n8n, description: 'my edit' })
    await first.templates.remove('default-redis')
    // A restart: new stores over the same data.
    const second = await createStores(config, { driver })
    const after = (await second.templates.list()).templates
    expect(after.map((t) => t.id).sort()).toEqual([
      'default-activepieces',
      'default-n8n',
      'default-nginx',
      'default-postgresql',
      'default-waha',
    ])
    expect(after.find((t) => t.id === 'default-n8n')!.description).toBe('my edit')
    expect(await second.settings.get('template-defaults')).toEqual({
      seeded: ['n8n', 'postgresql', 'waha', 'activepieces', 'redis', 'nginx'],
    })
  })

  it('never seeds a default next to a template of the user with the same name', async () => {
    const config = loadConfig({ ZAPIE_STORAGE: 'memory' })
    const driver = memoryDriver()
    const stores = await createStores(config, { driver })
    await stores.settings.set('template-defaults', { seeded: ['n8n', 'postgresql', 'waha', 'activepieces', 'nginx'] })
    await stores.storage.setItem('templates:mine', { id: 'mine', slug: 'redis', name: 'Redis', image: 'redis:6' })
    const { templates } = await stores.templates.list()
    expect(templates.map((t) => t.id)).toEqual(['mine'])
  })

  it('refuses to guess when its record is corrupt', async () => {
    const stores = await createStores(loadConfig({ ZAPIE_STORAGE: 'memory' }), { driver: memoryDriver() })
    await stores.storage.setItem('settings:template-defaults', 'garbage')
    await expect(stores.templates.list()).rejects.toMatchObject({ status: 500, code: 'corrupt_record' })
  })
})

describe('body limit', () => {
  it('refuses an import larger than ZAPIE_BODY_LIMIT with 413', async () => {
    const small = await buildTestApp({ env: { ZAPIE_BODY_LIMIT: '100000' } })
    const res = await small.app.request('/api/templates/import', {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: fixture('templates-v3.json'),
    })
    expect(res.status).toBe(413)
    expect((await (await small.app.request('/api/templates?limit=1', { headers: auth })).json()).total).toBe(6)
  })
})
