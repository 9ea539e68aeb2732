import type { BackupRecord } from '../../schemas/backup'
import type { BackupEngine } from './engine'
import { deleteBackup } from './records'

export interface RetentionPolicy {
  /** Keep at most this many backups, newest first. */
  keepLast?: number
  /** Delete backups older than this many days. */
  maxAgeDays?: number
}

const DAY_MS = 24 * 60 * 60 * 1000

/**
 * Which of one service's backups a policy expires: beyond the newest `keepLast`, or older than
 * `maxAgeDays`. The newest backup and the ids in `keep` (the one just made) always stay, so a
 * policy can never leave a service with no backup at all.
 */
export function selectExpired(
  records: BackupRecord[],
  policy: RetentionPolicy,
  now: number,
  keep: ReadonlySet<string> = new Set(),
) {
  if (policy.keepLast === undefined && policy.maxAgeDays === undefined) return []
  const sorted = [...records].sort((a, b) => b.created_at.localeCompare(a.created_at) || b.id.localeCompare(a.id))
  return sorted.filter((record, index) => {
    if (index === 0 || keep.has(record.id)) return false
    const tooMany = policy.keepLast !== undefined && index >= policy.keepLast
    const tooOld = policy.maxAgeDays !== undefined && now - Date.parse(record.created_at) > policy.maxAgeDays * DAY_MS
    return tooMany || tooOld
  })
}

/**
 * Applies the service's policy (from its schedule) after a successful backup. Only this
 * service's own records are considered; a failure to delete one is logged and skipped.
 */
export async function applyRetention(
  engine: BackupEngine,
  serviceId: string,
  keep: ReadonlySet<string>,
): Promise<string[]> {
  const schedule = await engine.ctx.stores.backupSchedules.get(serviceId).catch(() => null)
  if (!schedule) return []
  const { records } = await engine.ctx.stores.backups.list(serviceId)
  const expired = selectExpired(records, schedule, engine.now(), keep)
  const deleted: string[] = []
  for (const record of expired) {
    try {
      await deleteBackup(engine, serviceId, record.id)
      deleted.push(record.id)
    } catch (err) {
      engine.ctx.logger.warn({
        msg: 'retention could not delete a backup',
        serviceId,
        backupId: record.id,
        error: String(err),
      })
    }
  }
  if (deleted.length) engine.ctx.logger.info({ msg: 'retention deleted backups', serviceId, backupIds: deleted })
  return deleted
}
