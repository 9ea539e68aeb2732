import { describe, expect, it } from 'vitest'
import { OperationLocks } from '../../src/agent/locks'
import { AppError } from '../../src/errors'

const at = Date.parse('2026-12-01T12:01:03Z')

describe('operation locks', () => {
  it('refuses a second operation on the same service with 409 naming what runs and since when', () => {
    const locks = new OperationLocks(() => at)
    locks.acquire('zapie-n8n-flows-1a2b3c4d', 'restore')
    const err = (() => {
      try {
        locks.acquire('zapie-n8n-flows-1a2b3c4d', 'delete')
      } catch (e) {
        return e
      }
    })() as AppError
    expect(err).toBeInstanceOf(AppError)
    expect(err.status).toBe(409)
    expect(err.code).toBe('operation_in_progress')
    expect(err.message).toBe(
      "Service 'zapie-n8n-flows-1a2b3c4d' is being restored (since 12:01:03 UTC); try again when it finishes",
    )
    expect(err.details).toEqual([
      { operation: 'restore', since: '2026-12-01T12:01:03.000Z', serviceId: 'zapie-n8n-flows-1a2b3c4d' },
    ])
  })

  it('locks services independently, and a released lock can be taken again', () => {
    const locks = new OperationLocks(() => at)
    const release = locks.acquire('a', 'backup')
    expect(() => locks.acquire('b', 'stop')()).not.toThrow()
    expect(locks.holder('a')).toMatchObject({ operation: 'backup', serviceId: 'a' })
    release()
    expect(locks.isHeld('a')).toBe(false)
    expect(() => locks.acquire('a', 'start')).not.toThrow()
  })

  it('a release called twice does not free a lock someone else took since', () => {
    const locks = new OperationLocks(() => at)
    const first = locks.acquire('a', 'backup')
    first()
    locks.acquire('a', 'restore')
    first()
    expect(locks.holder('a')?.operation).toBe('restore')
  })

  it('run() releases the lock when the job throws or rejects', async () => {
    const locks = new OperationLocks(() => at)
    await expect(locks.run('a', 'restore', async () => Promise.reject(new Error('engine gone')))).rejects.toThrow(
      'engine gone',
    )
    expect(locks.isHeld('a')).toBe(false)
    await expect(
      locks.run('a', 'stop', async () => {
        throw new AppError(502, 'docker_error', 'boom')
      }),
    ).rejects.toThrow('boom')
    expect(locks.isHeld('a')).toBe(false)
    expect(await locks.run('a', 'start', async () => 'ok')).toBe('ok')
  })

  it('a key can name a different service in its answer (a new service name, locked before the service exists)', () => {
    const locks = new OperationLocks(() => at)
    locks.acquire('new-service:zapie-redis-cache', 'restore', 'zapie-redis-cache-0a1b2c3d')
    expect(() => locks.assertFree('new-service:zapie-redis-cache')).toThrow(
      /Service 'zapie-redis-cache-0a1b2c3d' is being restored/,
    )
    expect(() => locks.assertFree('zapie-redis-cache-0a1b2c3d')).not.toThrow()
  })
})
