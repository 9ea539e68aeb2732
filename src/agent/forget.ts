import { isSafeId } from '../../storage/keys'
import { backupEngineFor } from './backup/engine'
import { deleteBackup } from './backup/records'
import type { AgentContext } from './context'

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
export async function forgetService(ctx: AgentContext, serviceId: string, options: { deleteBackups: boolean }): Promise<ForgetResult> {
  const result: ForgetResult = { scheduleRemoved: false, backupsDeleted: [], backupsKept: [] }
  // An id that cannot be a storage key (labelled outside the API) never had a schedule or backups.
  if (!isSafeId(serviceId)) return result
  const engine = backupEngineFor(ctx)
  const log = (what: string) => (err: unknown) => ctx.logger.error({ msg: `deleting a service: could not ${what}`, serviceId, error: String((err as Error)?.message ?? err) })
  result.scheduleRemoved = await engine.scheduler.forget(serviceId).catch((err) => {
    log('remove its backup schedule')(err)
    return false
  })
  await ctx.monitor?.forget(serviceId).catch(log('drop its monitor state'))
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
