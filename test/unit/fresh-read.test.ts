import memory from 'unstorage/drivers/memory'
import { describe, expect, it } from 'vitest'
import { createStores } from '../../storage'
import { freshRead } from '../../storage/fresh-read'
import { auth, buildTestApp } from '../helpers/app'

const tick = () => new Promise((r) => setTimeout(r, 0))

describe('freshRead', () => {
  it('answers a caller who came while a read was under way from the next read, which began after it asked', async () => {
    let value = 'old'
    const pending: Array<() => void> = []
    let reads = 0
    const read = freshRead(() => {
      reads++
      const seen = value
      return new Promise<string>((resolve) => pending.push(() => resolve(seen)))
    })
    const first = read()
    await tick()
    // Written (by anyone) after the first read began: those who ask now must see it.
    value = 'new'
    const late = [read(), read(), read()]
    await tick()
    expect(reads).toBe(1)
    pending.shift()!()
    expect(await first).toBe('old')
    await tick()
    expect(reads).toBe(2)
    pending.shift()!()
    expect(await Promise.all(late)).toEqual(['new', 'new', 'new'])
  })

  it('fails only the callers of a failed read; the next caller reads again', async () => {
    let fail = true
    const read = freshRead(async () => {
      if (fail) throw new Error('store down')
      return 'up'
    })
    await expect(Promise.all([read(), read()])).rejects.toThrow('store down')
    fail = false
    expect(await read()).toBe('up')
  })

  it('with reuseMs, takes a good answer for that long after its read began, then reads again; never a failure', async () => {
    let t = 0
    let reads = 0
    let fail = false
    const read = freshRead(
      async () => {
        reads++
        if (fail) throw new Error('store down')
        return reads
      },
      { reuseMs: 100, now: () => t },
    )
    expect(await read()).toBe(1)
    t = 99
    expect(await read()).toBe(1)
    t = 100
    fail = true
    await expect(read()).rejects.toThrow('store down')
    await expect(read()).rejects.toThrow('store down')
    expect(reads).toBe(3)
  })

  it('with reuseMs, callers who come while a recent read runs share it instead of waiting for the next', async () => {
    let t = 0
    let reads = 0
    const pending: Array<() => void> = []
    const read = freshRead(
      () => {
        reads++
        const n = reads
        return new Promise<number>((resolve) => pending.push(() => resolve(n)))
      },
      { reuseMs: 100, now: () => t },
    )
    const first = read()
    await tick()
    t = 50
    const sharing = [read(), read()]
    await tick()
    expect(reads).toBe(1)
    pending.shift()!()
    expect(await Promise.all([first, ...sharing])).toEqual([1, 1, 1])
    // A read that began longer ago than reuseMs is not shared: the caller waits for a new one.
    t = 200
    const slow = read()
    await tick()
    t = 350
    const late = read()
    await tick()
    expect(reads).toBe(2)
    pending.shift()!()
    expect(await slow).toBe(2)
    await tick()
    expect(reads).toBe(3)
    pending.shift()!()
    expect(await late).toBe(3)
  })
})

/** A memory store whose reads take a few ms, counting reads of the catalogue's revision. */
async function slowStores() {
  const base = memory()
  const counts = { revision: 0, ping: 0 }
  const slow = <T>(value: T) => new Promise<T>((r) => setTimeout(() => r(value), 3))
  const stores = await createStores(
    { storage: 'memory', dataDir: '' },
    {
      driver: {
        ...base,
        getItem: async (key, opts) => {
          if (key === 'settings:templates-revision') counts.revision++
          return slow(await base.getItem(key, opts))
        },
        hasItem: async (key, opts) => {
          if (key === 'settings:ping') counts.ping++
          return slow(await base.hasItem(key, opts))
        },
      },
    },
  )
  return { stores, counts }
}

describe('reads that many requests make at once', () => {
  it('50 concurrent GET /api/templates share a few reads of the revision, not one each', async () => {
    const { stores, counts } = await slowStores()
    const { app } = await buildTestApp({ stores })
    expect((await app.request('/api/templates', { headers: auth })).status).toBe(200)
    counts.revision = 0
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => app.request('/api/templates?limit=5', { headers: auth })),
    )
    expect(answers.map((r) => r.status)).toEqual(Array(50).fill(200))
    expect(counts.revision).toBeLessThanOrEqual(3)
  })

  it('50 concurrent GET /api/health share a few pings of the store, not one each', async () => {
    const { stores, counts } = await slowStores()
    const { app } = await buildTestApp({ stores })
    const answers = await Promise.all(Array.from({ length: 50 }, () => app.request('/api/health', { headers: auth })))
    expect(answers.map((r) => r.status)).toEqual(Array(50).fill(200))
    expect(counts.ping).toBeLessThanOrEqual(3)
  })

  it('GET /api/health says storage down within 100 ms plus the deadline of the store no longer answering', async () => {
    let frozen = false
    const base = memory()
    const stores = await createStores(
      { storage: 'memory', dataDir: '', storageTimeoutMs: 200 },
      {
        driver: {
          ...base,
          hasItem: (key, opts) => (frozen ? new Promise<never>(() => {}) : base.hasItem(key, opts)),
        },
      },
    )
    const { app } = await buildTestApp({ stores })
    expect((await app.request('/api/health', { headers: auth })).status).toBe(200)
    frozen = true
    const since = Date.now()
    let res = await app.request('/api/health', { headers: auth })
    while (res.status === 200 && Date.now() - since < 1000) res = await app.request('/api/health', { headers: auth })
    expect(res.status).toBe(503)
    expect(await res.json()).toMatchObject({ storage: { status: 'down' } })
    expect(Date.now() - since).toBeLessThan(100 + 200 + 150)
    frozen = false
    expect((await app.request('/api/health', { headers: auth })).status).toBe(200)
  })

  it('a template another process wrote before a request is in that request, even while an earlier read runs', async () => {
    const { stores } = await slowStores()
    const { app } = await buildTestApp({ stores })
    expect((await app.request('/api/templates', { headers: auth })).status).toBe(200)
    // A list is under way (its revision read takes 3 ms) when another process writes to the store.
    const before = app.request('/api/templates?search=Late', { headers: auth })
    await new Promise((r) => setTimeout(r, 1))
    const template = { id: 'late-1', slug: 'late', name: 'Late', image: 'late:1' }
    await stores.storage.setItem('templates:late-1', template)
    await stores.settings.set('templates-revision', { revision: 'written-elsewhere' })
    const after = await (await app.request('/api/templates?search=Late', { headers: auth })).json()
    expect(after.templates.map((t: { name: string }) => t.name)).toEqual(['Late'])
    expect((await before).status).toBe(200)
  })

  it('a template created through the API is in the very next page, though that page was kept before', async () => {
    const { app } = await buildTestApp()
    const page = async () =>
      (await (await app.request('/api/templates?search=kept', { headers: auth })).json()).templates.map(
        (t: { name: string }) => t.name,
      )
    expect(await page()).toEqual([])
    expect(await page()).toEqual([])
    const created = await app.request('/api/templates', {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Kept Page', image: 'nginx:1.27' }),
    })
    expect(created.status).toBe(201)
    expect(await page()).toEqual(['Kept Page'])
  })
})
