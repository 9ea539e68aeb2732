import type { AgentContext } from '../context'
import { resolveService } from '../services'
import { createDeployer, type Deployer } from '../deploy/deployer'
import type { BackupsApi } from '../api/backups'
import { describeBackup, findRecord, listAllBackups } from './catalogue'
import { startBackup } from './create'
import { openDownload } from './download'
import { backupEngineFor, type BackupEngine, type BackupEngineOptions } from './engine'
import { backupStorage, deleteBackup, getRecord, listBackups } from './records'
import { adoptOrphans, recoverInterruptedJobs } from './recovery'
import { restoreBackup } from './restore'
import { restoreIntoNewService } from './restore-new'
import { backupServiceId } from './service'
import { uploadBackup } from './upload'

export type { BackupsApi } from '../api/backups'
export type { BackupAlertSink } from './alerts'

/** The in-process BackupsApi, on the engine of `ctx`; a restore into a new service deploys through `deployer`. */
export function createBackupsApi(ctx: AgentContext, deployer: Deployer = createDeployer(ctx)): BackupsApi {
  const engine = backupEngineFor(ctx)
  const serviceIdFor = async (ref: string, signal?: AbortSignal) => backupServiceId(await resolveService(ctx.docker, ref, signal))
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
    getBackupSchedule: (ref, options) => engine.scheduler.get(ref, options?.signal),
    setBackupSchedule: (ref, schedule, options) => engine.scheduler.set(ref, schedule, options?.signal),
    deleteBackupSchedule: (ref, options) => engine.scheduler.remove(ref, options?.signal),
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
  engine: BackupEngine
  /** Resolves once recovery is done, schedules are running and orphaned archives are adopted. */
  ready: Promise<void>
  close(): Promise<void>
}

/**
 * Starts the backup engine's background work (called by startHostAgent, before the client is
 * built): crash recovery first — jobs wait for it — then the schedules, then adoption of
 * archives that lost their record.
 */
export function startBackupEngine(ctx: AgentContext, options: BackupEngineOptions = {}): BackupEngineHandle {
  const engine = backupEngineFor(ctx, options)
  const startedAt = ctx.clock.now()
  const log = (what: string) => (err: unknown) => ctx.logger.error({ msg: `backup engine: ${what} failed`, error: String((err as Error)?.message ?? err) })
  engine.ready = recoverInterruptedJobs(engine).then(() => undefined, log('crash recovery'))
  const ready = engine.ready
    .then(() => engine.scheduler.start())
    .catch(log('starting the schedules'))
    .then(() => adoptOrphans(engine, startedAt))
    .then(() => undefined, log('adopting archives'))
  return {
    engine,
    ready,
    async close() {
      engine.scheduler.stop()
    },
  }
}
