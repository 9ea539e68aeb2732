import { spawnSync } from 'node:child_process'
import { closeSync, mkdtempSync, openSync, rmSync, unlinkSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config'
import { createNodeStores } from '../../src/node-stores'
import type { Stores } from '../../storage'
import { auth, buildTestApp } from '../helpers/app'

/**
 * The fs store on a real full filesystem: a 256 KiB tmpfs (needs root to mount). Phase
 * interrupted: the write of a record, after the disk has filled up.
 */
const mountPoint = mkdtempSync(join(tmpdir(), 'zapie-full-disk-'))
const filler = join(mountPoint, 'filler')
let mounted = false
let stores: Stores
let app: Awaited<ReturnType<typeof buildTestApp>>['app']

const json = (body: unknown, method = 'POST') => ({
  method,
  headers: { ...auth, 'content-type': 'application/json' },
  body: JSON.stringify(body),
})
// A first version within one 4 KiB page; later versions need more, so a write that truncates the
// record in place (freeing its page) and then runs out of space leaves a prefix behind.
const smallTemplate = (name: string) => ({ name, image: 'nginx:1.27', description: 'first version' })
const bigTemplate = (name: string, version: string) => ({
  name,
  image: 'nginx:1.27',
  description: `${version} `.repeat(2000 / (version.length + 1)),
  env: Array.from({ length: 6 }, (_, i) => ({ name: `VAR_${i}`, default: `${version}-${i}-`.repeat(60) })),
})

function fillTheDisk() {
  const fd = openSync(filler, 'a')
  const chunk = Buffer.alloc(4096, 1)
  try {
    for (;;) writeSync(fd, chunk)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err
  } finally {
    closeSync(fd)
  }
}

beforeAll(async () => {
  const result = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=256k,mode=0700', 'tmpfs', mountPoint], {
    encoding: 'utf8',
  })
  if (result.status !== 0) {
    throw new Error(
      `This test needs root to mount a small tmpfs at ${mountPoint} (mount said: ${(result.stderr || result.error?.message || '').trim()}). Run it as root.`,
    )
  }
  mounted = true
  stores = await createNodeStores(loadConfig({ ZAPIE_STORAGE: 'fs', ZAPIE_DATA_DIR: mountPoint, LOG_LEVEL: 'silent' }))
  ;({ app } = await buildTestApp({ stores }))
})

afterAll(async () => {
  await stores?.close()
  if (mounted) spawnSync('umount', [mountPoint])
  rmSync(mountPoint, { recursive: true, force: true })
})

describe('the fs store on a full disk', () => {
  let id: string

  it('answers 507 insufficient_storage for an update and keeps serving the old version', async () => {
    const created = await app.request('/api/templates', json(smallTemplate('Kept')))
    expect(created.status).toBe(201)
    id = (await created.json()).template.id
    fillTheDisk()

    const res = await app.request(`/api/templates/${id}`, json(bigTemplate('Kept', 'second'), 'PUT'))
    expect(res.status).toBe(507)
    expect(await res.json()).toMatchObject({
      success: false,
      code: 'insufficient_storage',
      error: expect.stringMatching(/full/),
    })

    const read = await app.request(`/api/templates/${id}`, { headers: auth })
    expect(read.status).toBe(200)
    expect((await read.json()).template).toMatchObject({
      name: 'Kept',
      description: 'first version',
      image: 'nginx:1.27',
    })
  })

  it('answers 507 for a create and leaves no record behind', async () => {
    const res = await app.request('/api/templates', json(bigTemplate('Never', 'new')))
    expect(res.status).toBe(507)
    expect((await res.json()).code).toBe('insufficient_storage')
    const list = await (await app.request('/api/templates', { headers: auth })).json()
    expect(list.templates.map((t: { name: string }) => t.name)).not.toContain('Never')
    expect(list.corrupt ?? []).toEqual([])
  })

  it('answers 507 for an import that overwrites, and keeps what it would have replaced', async () => {
    const res = await app.request('/api/templates/import?overwrite=true', json([bigTemplate('Kept', 'imported')]))
    expect(res.status).toBe(507)
    const read = await (await app.request(`/api/templates/${id}`, { headers: auth })).json()
    expect(read.template.description).toBe('first version')
    const list = await (await app.request('/api/templates', { headers: auth })).json()
    expect(list.corrupt ?? []).toEqual([])
  })

  it('saves again once space is freed, without a restart', async () => {
    unlinkSync(filler)
    const res = await app.request(`/api/templates/${id}`, json(bigTemplate('Kept', 'second'), 'PUT'))
    expect(res.status).toBe(200)
    const read = await (await app.request(`/api/templates/${id}`, { headers: auth })).json()
    expect(read.template.description).toMatch(/^second /)
  })
})
