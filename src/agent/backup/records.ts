import { readdir, rm, stat, statfs } from 'node:fs/promises'
import { notFound } from '../../errors'
import type { BackupListing, BackupRecord, BackupStorage, BackupSummary } from '../../schemas/backup'
import type { BackupEngine } from './engine'
import { ensureDir, syncDir } from './paths'

/** A record with the state of its archive on disk: `missing` and `damaged` are reported, never hidden. */
export async function withStatus(engine: BackupEngine, record: BackupRecord): Promise<BackupSummary> {
  const size = await stat(engine.paths.archive(record.serviceId, record.id)).then(
    (s) => s.size,
    () => null,
  )
  return { ...record, status: size === null ? 'missing' : size === record.size ? 'ok' : 'damaged' }
}

const newestFirst = (a: BackupRecord, b: BackupRecord) =>
  b.created_at.localeCompare(a.created_at) || b.id.localeCompare(a.id)

export async function listBackups(engine: BackupEngine, serviceId: string): Promise<BackupListing> {
  const { records, corrupt } = await engine.ctx.stores.backups.list(serviceId)
  const backups = await Promise.all(records.sort(newestFirst).map((r) => withStatus(engine, r)))
  return { serviceId, backups, corrupt }
}

/** The record of `backupId` if it belongs to `serviceId`; 404 otherwise. */
export async function getRecord(engine: BackupEngine, serviceId: string, backupId: string): Promise<BackupRecord> {
  const record = await engine.ctx.stores.backups.get(serviceId, backupId)
  if (!record) throw notFound('backup', backupId)
  return record
}

/**
 * Removes a backup: the archive first, then the record. Killed in between, the record remains
 * and is listed as `missing` (deleting again finishes the job) — the other order would leave
 * an archive that crash recovery adopts, undoing the delete.
 */
export async function deleteBackup(engine: BackupEngine, serviceId: string, backupId: string): Promise<void> {
  const archive = engine.paths.archive(serviceId, backupId)
  const record = await engine.ctx.stores.backups.get(serviceId, backupId).catch(() => 'corrupt' as const)
  const exists = await stat(archive).then(
    () => true,
    () => false,
  )
  if (!record && !exists) throw notFound('backup', backupId)
  if (exists) {
    await rm(archive, { force: true })
    await syncDir(engine.paths.serviceDir(serviceId)).catch(() => {})
  }
  await engine.ctx.stores.backups.remove(serviceId, backupId)
}

/** This service's archive bytes and count, and the real size of the backup filesystem. */
export async function backupStorage(engine: BackupEngine, serviceId: string): Promise<BackupStorage> {
  let bytes = 0
  let count = 0
  const dir = engine.paths.serviceDir(serviceId)
  const names = await readdir(dir).catch(() => [] as string[])
  for (const name of names) {
    if (!name.endsWith('.tar.gz')) continue
    const size = await stat(`${dir}/${name}`).then(
      (s) => s.size,
      () => null,
    )
    if (size === null) continue
    bytes += size
    count += 1
  }
  await ensureDir(engine.paths.root)
  const fs = await statfs(engine.paths.root)
  return {
    serviceId,
    service: { bytes, count },
    filesystem: { total: fs.blocks * fs.bsize, free: fs.bfree * fs.bsize, available: fs.bavail * fs.bsize },
  }
}
