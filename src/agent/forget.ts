import { isSafeId } from '../../storage/keys'
import type { BackupEngine } from './backup/engine'
import { deleteBackup } from './backup/records'
import type { BackupScheduler } from './backup/schedules'

export interface ForgetResult {
  scheduleRemoved: boolean
  backupsDeleted: string[]
  /** The service's backups that stay: listed by GET /api/backups, restorable into a new service. */
  backupsKept: string[]
}

/**
 * What a service deleted through the API leaves behind: its backup schedule (which would fail
 * at every run) and its monitor settings, history and alert state go at once. Its backups stay
 * unless the caller asked for `deleteBackups`: they are the way back to the data.
 */
export type ForgetService = (serviceId: string, options: { deleteBackups: boolean }) => Promise<ForgetResult>

/** Only what forgetting needs: the backups (engine, schedules) and the monitor's state of the service. */
export interface ForgetDeps {
  backups: BackupEngine
  schedules: Pick<BackupScheduler, 'forget'>
  monitor: { forget(serviceId: string): Promise<void> }
}

export function createForgetService(deps: ForgetDeps): ForgetService {
  return (serviceId, options) => forgetService(deps, serviceId, options)
}

async function forgetService(
  { backups: engine, schedules, monitor }: ForgetDeps,
  serviceId: string,
  options: { deleteBackups: boolean },
): Promise<ForgetResult> {
  const result: ForgetResult = { scheduleRemoved: false, backupsDeleted: [], backupsKept: [] }
  // An id that cannot be a storage key (labelled outside the API) never had a schedule or backups.
  if (!isSafeId(serviceId)) return result
  const { ctx } = engine
  const log = (what: string) => (err: unknown) =>
    ctx.logger.error({
      msg: `deleting a service: could not ${what}`,
      serviceId,
      error: String((err as Error)?.message ?? err),
    })
  result.scheduleRemoved = await schedules.forget(serviceId).catch((err) => {
    log('remove its backup schedule')(err)
    return false
  })
  await monitor.forget(serviceId).catch(log('drop its monitor state'))
  const { records } = await ctx.stores.backups.list(serviceId).catch((err) => {
    log('list its backups')(err)
    return { records: [] }
  })
  for (const record of records) {
    if (!options.deleteBackups) {
      result.backupsKept.push(record.id)
      continue
    }
    try {
      await deleteBackup(engine, serviceId, record.id)
      result.backupsDeleted.push(record.id)
    } catch (err) {
      log(`delete backup ${record.id}`)(err)
      result.backupsKept.push(record.id)
    }
  }
  return result
}
