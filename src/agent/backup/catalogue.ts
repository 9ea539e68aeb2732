import { notFound } from '../../errors'
import type { BackupCatalogue, BackupRecord, CatalogueEntry } from '../../schemas/backup'
import { listManagedContainers, serviceIdOf } from '../services'
import type { BackupEngine } from './engine'
import { isBackupId } from './paths'
import { withStatus } from './records'

/**
 * Backups by id alone, whatever became of their service: a deleted service's backups are the way
 * back to its data, so they stay listed, downloadable, deletable and restorable into a new one.
 * Backup ids are unique across services (time + random), so an id names at most one record.
 */
export async function findRecord(engine: BackupEngine, backupId: string): Promise<BackupRecord> {
  if (!isBackupId(backupId)) throw notFound('backup', backupId.slice(0, 40))
  const key = (await engine.ctx.stores.backups.keys()).find((k) => k.backupId === backupId)
  const record = key ? await engine.ctx.stores.backups.get(key.serviceId, backupId) : null
  if (!record) throw notFound('backup', backupId)
  return record
}

/** Every backup (newest first), each with its archive's state and whether its service still exists. */
export async function listAllBackups(
  engine: BackupEngine,
  filter: { serviceId?: string; signal?: AbortSignal } = {},
): Promise<BackupCatalogue> {
  const store = engine.ctx.stores.backups
  const services = new Set((await listManagedContainers(engine.ctx.docker, filter.signal)).map((c) => serviceIdOf(c)))
  const ids = [...new Set((await store.keys()).map((k) => k.serviceId))].filter(
    (id) => !filter.serviceId || id === filter.serviceId,
  )
  const backups: CatalogueEntry[] = []
  const corrupt: BackupCatalogue['corrupt'] = []
  for (const serviceId of ids) {
    const listing = await store.list(serviceId)
    corrupt.push(...listing.corrupt)
    for (const record of listing.records)
      backups.push({ ...(await withStatus(engine, record)), serviceExists: services.has(serviceId) })
  }
  backups.sort((a, b) => b.created_at.localeCompare(a.created_at) || b.id.localeCompare(a.id))
  return { backups, corrupt }
}

/** One backup by id, as the catalogue lists it. */
export async function describeBackup(
  engine: BackupEngine,
  backupId: string,
  signal?: AbortSignal,
): Promise<CatalogueEntry> {
  const record = await findRecord(engine, backupId)
  const services = (await listManagedContainers(engine.ctx.docker, signal)).map((c) => serviceIdOf(c))
  return { ...(await withStatus(engine, record)), serviceExists: services.includes(record.serviceId) }
}
