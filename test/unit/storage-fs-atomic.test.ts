import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createStorage } from 'unstorage'
import { afterAll, describe, expect, it } from 'vitest'
import { atomicFsDriver } from '../../src/storage-fs-atomic'

const dir = mkdtempSync(join(tmpdir(), 'zapie-atomic-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('the atomic fs driver', () => {
  const storage = createStorage({ driver: atomicFsDriver({ base: join(dir, 'store') }) })

  it('writes records readable only by the service user, in private directories, with no temporary file left', async () => {
    await storage.setItem('templates:one', { a: 1 })
    await storage.setItem('templates:one', { a: 2 })
    expect(statSync(join(dir, 'store', 'templates', 'one')).mode & 0o777).toBe(0o600)
    expect(statSync(join(dir, 'store', 'templates')).mode & 0o777).toBe(0o700)
    expect(readdirSync(join(dir, 'store', 'templates'))).toEqual(['one'])
    expect(await storage.getItem('templates:one')).toEqual({ a: 2 })
  })

  it('never lists a temporary file a crash left behind as a record', async () => {
    writeFileSync(join(dir, 'store', 'templates', '.two.0123456789ab.tmp'), '{"half')
    expect(await storage.getKeys('templates')).toEqual(['templates:one'])
  })

  it('refuses keys that climb out of its directory', async () => {
    await expect(storage.setItem('..:..:escape', { a: 1 })).rejects.toThrow(/Invalid key/)
    expect(readdirSync(dir)).toEqual(['store'])
  })
})
