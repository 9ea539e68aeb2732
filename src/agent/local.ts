import { createBackupsApi } from './backup'
import { createBulkApi } from './bulk'
import type { AgentClient } from './api'
import type { AgentContext } from './context'
import { createDeployer } from './deploy/deployer'
import { toAppError } from './docker-errors'
import { changeState } from './lifecycle'
import { followLogs, getLogs } from './logs'
import { createMonitor } from './monitor/monitor'
import { createMonitoringApi } from './monitor/monitor-api'
import { removeService } from './remove'
import { byRunningThenNewest, listManagedContainers, resolveService, toDetails, toSummary } from './services'
import { dockerStatus, systemSummary } from './system'

/** The in-process AgentClient: talks to the engine directly. */
export function createLocalAgent(ctx: AgentContext): AgentClient {
  const { docker } = ctx
  // Without startHostAgent (which starts it) the monitor stays idle and answers from a list refresh.
  const monitor = ctx.monitor ?? createMonitor(ctx)
  const deployer = createDeployer(ctx)
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
    startService: (ref, options) => changeState(ctx, ref, 'start', options),
    stopService: (ref, options) => changeState(ctx, ref, 'stop', options),
    restartService: (ref, options) => changeState(ctx, ref, 'restart', options),
    removeService: (ref, options) => removeService(ctx, ref, options),
    getLogs: (ref, options) => getLogs(docker, ref, { ...options, streams: ctx.streams, maxBytes: ctx.config.logsMaxBytes }),
    followLogs: (ref, options) => followLogs(docker, ref, { ...options, streams: ctx.streams }),
    deploy: deployer.deploy,
    getDeployment: deployer.getDeployment,
    ...createBackupsApi(ctx, deployer),
    ...createBulkApi(ctx),
  }
}
