import { createStorage, prefixStorage } from 'unstorage'
import memory from 'unstorage/drivers/memory'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { readRecords } from '../../storage/read-records'

describe('readRecords', () => {
  it('returns valid records by key and reports the unreadable ones without dropping them', async () => {
    const storage = prefixStorage(createStorage({ driver: memory() }), 'area')
    await storage.setItem('service:a', { n: 1 })
    await storage.setItem('service:b', { n: 'two' })
    await storage.setItem('global', { n: 3 })
    const { records, corrupt } = await readRecords(storage, z.object({ n: z.number() }), 'area', 'service')
    expect([...records]).toEqual([['a', { n: 1 }]])
    expect(corrupt).toEqual([{ key: 'area:service:b', reason: expect.stringContaining('n:') }])
    expect(await storage.getItem('service:b')).toEqual({ n: 'two' })
  })
})
