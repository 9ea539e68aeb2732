import type { AgentClient, BackupsApi, BulkApi } from './api'
import type { AgentContext } from './context'
import type { Deployer } from './deploy/deployer'
import { toAppError } from './docker-errors'
import { changeState } from './lifecycle'
import { followLogs, getLogs } from './logs'
import type { Monitor } from './monitor/monitor'
import { createMonitoringApi } from './monitor/monitor-api'
import { removeService, type RemoveDeps } from './remove'
import { byRunningThenNewest, listManagedContainers, resolveService, toDetails, toSummary } from './services'
import { dockerStatus, systemSummary } from './system'

/** The parts the in-process client answers with, each built once by the composition root (host.ts). */
export interface LocalAgentParts {
  ctx: AgentContext
  monitor: Monitor
  deployer: Deployer
  backups: BackupsApi
  bulk: BulkApi
  forget: RemoveDeps['forget']
  /** Lifecycle calls and deletes wait for the backup engine's crash recovery. */
  recovery: RemoveDeps['recovery']
}

/** The in-process AgentClient: talks to the engine directly. */
export function createLocalAgent({ ctx, monitor, deployer, backups, bulk, forget, recovery }: LocalAgentParts): AgentClient {
  const { docker } = ctx
  const ops = { ...ctx, forget, recovery }
  return {
    ...createMonitoringApi(monitor, { docker, backupDir: ctx.config.backupDir }),
    dockerStatus: () => dockerStatus(docker),
    systemSummary: () => systemSummary(docker),
    async listServices(options) {
      const containers = await listManagedContainers(docker, options?.signal)
      return containers.map(toSummary).sort(byRunningThenNewest)
    },
    async getService(ref, options) {
      const info = await resolveService(docker, ref, options?.signal)
      const inspected = await docker.getContainer(info.Id).inspect().catch((err) => {
        throw toAppError(err, 'service')
      })
      return toDetails(toSummary(info), inspected)
    },
    startService: (ref, options) => changeState(ops, ref, 'start', options),
    stopService: (ref, options) => changeState(ops, ref, 'stop', options),
    restartService: (ref, options) => changeState(ops, ref, 'restart', options),
    removeService: (ref, options) => removeService(ops, ref, options),
    getLogs: (ref, options) => getLogs(docker, ref, { ...options, streams: ctx.streams, maxBytes: ctx.config.logsMaxBytes }),
    followLogs: (ref, options) => followLogs(docker, ref, { ...options, streams: ctx.streams }),
    deploy: deployer.deploy,
    getDeployment: deployer.getDeployment,
    ...backups,
    ...bulk,
  }
}
