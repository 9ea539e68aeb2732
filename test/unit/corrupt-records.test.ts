import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config'
import type { BackupRecord } from '../../src/schemas/backup'
import { createStores, type Stores } from '../../storage'

const good: BackupRecord = {
  id: 'bk_mf3k2a1b_1a2b3c4d',
  serviceId: 'zapie-web-1',
  serviceName: 'zapie-web-1',
  name: 'nightly',
  created_at: '2026-01-01T00:00:00.000Z',
  size: 10,
  sha256: 'a'.repeat(64),
  consistency: 'pause',
  volumes: [],
  image: 'zapie-test/busybox:latest',
  template: null,
  tier: null,
  origin: 'manual',
}

const stores = () =>
  createStores(loadConfig({ ZAPIE_STORAGE: 'memory', ZAPIE_DATA_DIR: '/nonexistent' })) as Promise<Stores>

/** One corrupt-record shape everywhere: lists answer `{ key, reason }` beside the good records, a read of the record is a 500 corrupt_record naming the key. */
describe('a corrupt stored record', () => {
  it('in the backups store: listed as { key, reason } beside the good ones, and a 500 corrupt_record when read alone', async () => {
    const s = await stores()
    await s.backups.put(good)
    await s.storage.setItem('backups:zapie-web-1:bk_mf3k2a1c_00000002', { id: 'bk_mf3k2a1c_00000002', size: 'big' })
    const { records, corrupt } = await s.backups.list('zapie-web-1')
    expect(records.map((r) => r.id)).toEqual([good.id])
    expect(corrupt).toEqual([{ key: 'backups:zapie-web-1:bk_mf3k2a1c_00000002', reason: expect.any(String) }])
    await expect(s.backups.get('zapie-web-1', 'bk_mf3k2a1c_00000002')).rejects.toMatchObject({
      status: 500,
      code: 'corrupt_record',
      message: expect.stringContaining('backups:zapie-web-1:bk_mf3k2a1c_00000002'),
      details: [{ key: 'backups:zapie-web-1:bk_mf3k2a1c_00000002', reason: expect.any(String) }],
    })
    // Left in place for someone to fix or delete.
    expect(await s.storage.getItem('backups:zapie-web-1:bk_mf3k2a1c_00000002')).toMatchObject({ size: 'big' })
  })

  it('in the backup schedules: the same shapes', async () => {
    const s = await stores()
    await s.storage.setItem('settings:backup-schedules:zapie-web-1', { cron: 5 })
    expect((await s.backupSchedules.all()).corrupt).toEqual([
      { key: 'settings:backup-schedules:zapie-web-1', reason: expect.any(String) },
    ])
    await expect(s.backupSchedules.get('zapie-web-1')).rejects.toMatchObject({
      status: 500,
      code: 'corrupt_record',
      details: [{ key: 'settings:backup-schedules:zapie-web-1' }],
    })
  })

  it('in the deployments: listing reports it and still answers the readable ones (crash recovery goes on)', async () => {
    const s = await stores()
    const record = { id: 'deploy-good-1', status: 'in-progress', steps: [] }
    await s.storage.setItem('deployments:deploy-good-1', record)
    await s.storage.setItem('deployments:deploy-bad-2', 'truncated')
    const { records, corrupt } = await s.deployments.list()
    expect(records.map((r) => r.id)).toEqual(['deploy-good-1'])
    expect(corrupt).toEqual([{ key: 'deployments:deploy-bad-2', reason: expect.any(String) }])
    await expect(s.deployments.get('deploy-bad-2')).rejects.toMatchObject({
      status: 500,
      code: 'corrupt_record',
      details: [{ key: 'deployments:deploy-bad-2' }],
    })
  })

  it('in the monitor and alert stores: the same { key, reason }', async () => {
    const s = await stores()
    await s.storage.setItem('monitor-settings:zapie-web-1', { enabled: 'yes' })
    await s.storage.setItem('alert-state:zapie-web-1', 7)
    expect((await s.monitorSettings.all()).corrupt).toEqual([
      { key: 'monitor-settings:zapie-web-1', reason: expect.any(String) },
    ])
    expect((await s.alertState.all()).corrupt).toEqual([{ key: 'alert-state:zapie-web-1', reason: expect.any(String) }])
  })
})
