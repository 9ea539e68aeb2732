import { createStorage } from 'unstorage'
import memory from 'unstorage/drivers/memory'
import { describe, expect, it } from 'vitest'
import { createStores } from '../../storage'
import { guardDriver } from '../../storage/guarded-driver'

const never = () => new Promise<never>(() => {})
const failWith = (props: Record<string, unknown>) => () =>
  Promise.reject(Object.assign(new Error(String(props.message ?? props.code)), props))

describe('store calls with a deadline', () => {
  it('answers 503 storage_unavailable when the store does not answer in time', async () => {
    const storage = createStorage({
      driver: guardDriver({ ...memory(), getItem: never, getKeys: never }, { timeoutMs: 100 }),
    })
    const started = Date.now()
    await expect(storage.getItem('x')).rejects.toMatchObject({ status: 503, code: 'storage_unavailable' })
    await expect(storage.getKeys()).rejects.toMatchObject({ status: 503, code: 'storage_unavailable' })
    expect(Date.now() - started).toBeLessThan(1000)
  })

  it('answers 507 insufficient_storage for a full disk or quota', async () => {
    for (const code of ['ENOSPC', 'EDQUOT']) {
      const storage = createStorage({
        driver: guardDriver({ ...memory(), setItem: failWith({ code }) }, { timeoutMs: 1000 }),
      })
      await expect(storage.setItem('x', { a: 1 })).rejects.toMatchObject({ status: 507, code: 'insufficient_storage' })
    }
  })

  it('answers 503 for a refused connection and for the errors ioredis gives a closed or retried-out connection', async () => {
    for (const props of [
      { code: 'ECONNREFUSED' },
      { message: 'Connection is closed.' },
      { name: 'MaxRetriesPerRequestError', message: 'Reached the max retries per request limit (which is 1).' },
      { message: 'Command timed out' },
    ]) {
      const storage = createStorage({
        driver: guardDriver({ ...memory(), getItem: failWith(props) }, { timeoutMs: 1000 }),
      })
      await expect(storage.getItem('x'), JSON.stringify(props)).rejects.toMatchObject({
        status: 503,
        code: 'storage_unavailable',
      })
    }
  })

  it('passes other errors through unchanged, so they are logged as bugs', async () => {
    const storage = createStorage({
      driver: guardDriver({ ...memory(), getItem: failWith({ message: 'boom' }) }, { timeoutMs: 1000 }),
    })
    await expect(storage.getItem('x')).rejects.toThrow('boom')
  })

  it('applies to every store createStores builds, with the configured deadline', async () => {
    const stores = await createStores(
      { storage: 'memory', dataDir: '', storageTimeoutMs: 100 },
      { driver: { ...memory(), getItem: never, hasItem: never } },
    )
    await expect(stores.settings.get('anything')).rejects.toMatchObject({ status: 503 })
    await expect(stores.ping()).rejects.toMatchObject({ status: 503 })
  })
})
