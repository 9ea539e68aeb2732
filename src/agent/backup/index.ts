import { resolveService } from '../services'
import type { Deployer } from '../deploy/deployer'
import type { BackupsApi } from '../api/backups'
import { describeBackup, findRecord, listAllBackups } from './catalogue'
import { startBackup } from './create'
import { openDownload } from './download'
import type { BackupEngine } from './engine'
import { backupStorage, deleteBackup, getRecord, listBackups } from './records'
import { adoptOrphans, recoverInterruptedJobs } from './recovery'
import { restoreBackup } from './restore'
import { restoreIntoNewService } from './restore-new'
import type { BackupScheduler } from './schedules'
import { backupServiceId } from './service'
import { uploadBackup } from './upload'

export type { BackupsApi } from '../api/backups'
export type { BackupAlertSink } from './alerts'

/** What the backups API works with, built once by the composition root (host.ts). */
export interface BackupsDeps {
  engine: BackupEngine
  scheduler: BackupScheduler
  /** A restore into a new service deploys through it. */
  deployer: Deployer
}

/** The in-process BackupsApi. */
export function createBackupsApi({ engine, scheduler, deployer }: BackupsDeps): BackupsApi {
  const serviceIdFor = async (ref: string, signal?: AbortSignal) =>
    backupServiceId(await resolveService(engine.ctx.docker, ref, signal))
  return {
    async createBackup(ref, { signal, ...input }) {
      await engine.ready
      return startBackup(engine, ref, { ...input, signal })
    },
    listBackups: async (ref, options) => listBackups(engine, await serviceIdFor(ref, options?.signal)),
    backupStorage: async (ref, options) => backupStorage(engine, await serviceIdFor(ref, options?.signal)),
    async deleteBackup(ref, backupId, options) {
      const serviceId = await serviceIdFor(ref, options?.signal)
      await deleteBackup(engine, serviceId, backupId)
      return { deleted: true, backupId }
    },
    async restoreBackup(ref, backupId, options) {
      await engine.ready
      return restoreBackup(engine, ref, backupId, options)
    },
    async openBackupDownload(ref, backupId, options) {
      const serviceId = await serviceIdFor(ref, options.signal)
      await getRecord(engine, serviceId, backupId)
      return openDownload(engine, serviceId, backupId, options.range)
    },
    async uploadBackup(ref, body, { signal, ...input }) {
      await engine.ready
      return uploadBackup(engine, ref, body, { ...input, signal })
    },
    getBackupSchedule: (ref, options) => scheduler.get(ref, options?.signal),
    setBackupSchedule: (ref, schedule, options) => scheduler.set(ref, schedule, options?.signal),
    deleteBackupSchedule: (ref, options) => scheduler.remove(ref, options?.signal),
    listAllBackups: (options) => listAllBackups(engine, { serviceId: options?.serviceId, signal: options?.signal }),
    getBackup: (backupId, options) => describeBackup(engine, backupId, options?.signal),
    async deleteBackupById(backupId) {
      const record = await findRecord(engine, backupId)
      await deleteBackup(engine, record.serviceId, record.id)
      return { deleted: true, backupId }
    },
    async openBackupDownloadById(backupId, options) {
      const record = await findRecord(engine, backupId)
      return openDownload(engine, record.serviceId, record.id, options.range)
    },
    restoreBackupAsNew: (backupId, spec, { signal, deploymentId, envFromBackup }) =>
      restoreIntoNewService(engine, deployer, backupId, spec, { deploymentId, envFromBackup, signal }),
  }
}

export interface BackupEngineHandle {
  /** Resolves once recovery is done, schedules are running and orphaned archives are adopted. */
  ready: Promise<void>
  close(): Promise<void>
}

/**
 * Starts the backup engine's background work (called by startHostAgent, before the client is
 * built): crash recovery first — jobs wait for it — then the schedules, then adoption of
 * archives that lost their record.
 */
export function startBackupEngine({
  engine,
  scheduler,
}: Pick<BackupsDeps, 'engine' | 'scheduler'>): BackupEngineHandle {
  const { ctx } = engine
  const startedAt = ctx.clock.now()
  const log = (what: string) => (err: unknown) =>
    ctx.logger.error({ msg: `backup engine: ${what} failed`, error: String((err as Error)?.message ?? err) })
  engine.ready = recoverInterruptedJobs(engine).then(() => undefined, log('crash recovery'))
  const ready = engine.ready
    .then(() => scheduler.start())
    .catch(log('starting the schedules'))
    .then(() => adoptOrphans(engine, startedAt))
    .then(() => undefined, log('adopting archives'))
  return {
    ready,
    async close() {
      scheduler.stop()
    },
  }
}
