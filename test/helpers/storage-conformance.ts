import { createStorage, prefixStorage, type Driver, type Storage } from 'unstorage'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Template } from '../../src/schemas/template'
import { createStores, InvalidKeyError, keyFor, type Stores } from '../../storage'

/** A driver over its own empty area whose writes, while `failing` is on, stop midway as on a full disk. */
export interface FailingWrites {
  driver: Driver
  setFailing(failing: boolean): void
}

export interface ConformanceOptions {
  /** For drivers that write files: the suite then checks what an interrupted write leaves behind. */
  failingWrites?: () => FailingWrites
}

/**
 * The behaviours our stores rely on, run against every driver we support (memory, fs, redis,
 * Cloudflare KV): a store is only as good as the driver under it.
 */
export function describeStorageConformance(
  name: string,
  makeDriver: () => Promise<Driver> | Driver,
  cleanup?: () => Promise<void>,
  options: ConformanceOptions = {},
) {
  describe(`storage conformance: ${name}`, () => {
    let storage: Storage
    let stores: Stores
    const prefix = `conf${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`
    beforeAll(async () => {
      const driver = await makeDriver()
      storage = prefixStorage(createStorage({ driver }), prefix)
      stores = await createStores({ storage: 'memory', dataDir: '' }, { driver: await makeDriver() })
    })
    afterAll(async () => {
      await storage.clear().catch(() => {})
      await stores.close()
      await cleanup?.()
    })

    it('answers null for a missing key and ignores removing one', async () => {
      expect(await storage.getItem('missing')).toBeNull()
      expect(await storage.hasItem('missing')).toBe(false)
      await storage.removeItem('missing')
    })

    it('round-trips records of every shape', async () => {
      // Stores write records (objects), never bare strings: unstorage parses a bare string that
      // looks like JSON or a number on read, so '{"a":1}' or '123' would come back changed.
      const values = {
        object: { a: 1, nested: { list: [1, 'two', null, true] }, unicode: 'Grüße — 你好 🚀' },
        strings: { jsonLooking: '{"not":"parsed"}', numeric: '12345', empty: '', spaces: '  padded  ' },
        numbers: { int: 42, float: 42.5, negative: -1, zero: 0 },
        list: [{ id: 'x' }, { id: 'y' }],
      }
      for (const [key, value] of Object.entries(values)) await storage.setItem(`rt:${key}`, value as never)
      for (const [key, value] of Object.entries(values)) expect(await storage.getItem(`rt:${key}`), key).toEqual(value)
    })

    it('overwrites a key with one write', async () => {
      await storage.setItem('over', { v: 1 })
      await storage.setItem('over', { v: 2 })
      expect(await storage.getItem('over')).toEqual({ v: 2 })
    })

    it('keeps a large value intact', async () => {
      const big = { blob: 'x'.repeat(200_000), items: Array.from({ length: 1000 }, (_, i) => ({ i })) }
      await storage.setItem('big', big)
      expect(await storage.getItem('big')).toEqual(big)
    })

    it('lists only the keys under a prefix, with the prefix stripped', async () => {
      const a = prefixStorage(storage, 'list-a')
      const b = prefixStorage(storage, 'list-b')
      await Promise.all(['one', 'two', 'three'].map((k) => a.setItem(k, k)))
      await b.setItem('other', 'x')
      expect((await a.getKeys()).sort()).toEqual(['one', 'three', 'two'])
      expect(await b.getKeys()).toEqual(['other'])
      await a.removeItem('two')
      expect((await a.getKeys()).sort()).toEqual(['one', 'three'])
    })

    it('keeps concurrent writes to different keys', async () => {
      const area = prefixStorage(storage, 'concurrent')
      await Promise.all(Array.from({ length: 100 }, (_, i) => area.setItem(`k${i}`, { i })))
      const keys = await area.getKeys()
      expect(keys).toHaveLength(100)
      const values = await Promise.all(keys.map((k) => area.getItem<{ i: number }>(k)))
      expect(values.map((v) => v!.i).sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i))
    })

    it('builds keys only from safe ids, so input can never escape its area', async () => {
      for (const bad of ['../x', 'a/b', 'a:b', 'a?b', '', '.hidden', 'x'.repeat(200), 'a..b']) {
        expect(() => keyFor(bad), bad).toThrow(InvalidKeyError)
      }
      const id = keyFor('zapie-web_1.data')
      await storage.setItem(`ids:${id}`, 'ok')
      expect(await prefixStorage(storage, 'ids').getKeys()).toEqual([id])
    })

    it('supports the typed stores: settings and single-use tickets', async () => {
      await stores.settings.set('monitor-zapie-web-1', { interval: 10_000 })
      expect(await stores.settings.get('monitor-zapie-web-1')).toEqual({ interval: 10_000 })
      expect(await stores.settings.get('nothing-here')).toBeNull()
      const now = Date.now()
      const { ticket } = await stores.tickets.issue(60_000, now)
      expect(await stores.tickets.consume(ticket, now)).toBe(true)
      expect(await stores.tickets.consume(ticket, now)).toBe(false)
      expect(await stores.tickets.consume('../../etc/passwd', now)).toBe(false)
    })

    if (options.failingWrites) {
      const template = (id: string, description: string) =>
        ({
          id,
          name: `Template ${id}`,
          slug: `template-${id}`,
          image: 'nginx:1.27',
          description: description,
        }) as unknown as Template

      it('keeps the old version of a record whose update the disk could not finish, and answers 507', async () => {
        const { driver, setFailing } = options.failingWrites!()
        const own = await createStores({ storage: 'memory', dataDir: '' }, { driver })
        await own.templates.ready()
        await own.templates.create(template('kept', 'the first version'))
        await own.settings.set('kept', { v: 1 })
        setFailing(true)
        // Larger than a page, so a non-atomic write would leave a prefix of it behind.
        const update = own.templates.replace(template('kept', 'the second version '.repeat(500)))
        await expect(update).rejects.toMatchObject({ status: 507, code: 'insufficient_storage' })
        await expect(own.settings.set('kept', { v: 2, blob: 'y'.repeat(10_000) })).rejects.toMatchObject({
          status: 507,
        })
        setFailing(false)
        expect(await own.templates.get('kept')).toMatchObject({ description: 'the first version' })
        expect(await own.settings.get('kept')).toEqual({ v: 1 })
        expect((await own.templates.list()).corrupt).toEqual([])
        await own.close()
      })

      it('leaves no record behind for a create the disk could not finish', async () => {
        const { driver, setFailing } = options.failingWrites!()
        const own = await createStores({ storage: 'memory', dataDir: '' }, { driver })
        await own.templates.ready()
        const before = (await own.storage.getKeys()).sort()
        setFailing(true)
        await expect(own.templates.create(template('fresh', 'never written '.repeat(500)))).rejects.toMatchObject({
          status: 507,
        })
        setFailing(false)
        expect(await own.templates.get('fresh')).toBeNull()
        const { templates, corrupt } = await own.templates.list()
        expect(templates.map((t) => t.id)).not.toContain('fresh')
        expect(corrupt).toEqual([])
        // No half-written file, and no temporary file listed as a key.
        expect((await own.storage.getKeys()).sort()).toEqual(before)
        await own.close()
      })
    }
  })
}
