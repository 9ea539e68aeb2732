import { createBackupsApi } from './backup'
import { createBulkApi } from './bulk'
import type { AgentClient } from './client'
import type { AgentContext } from './context'
import { createDeployer } from './deploy/deployer'
import { createEngineFacts } from './engine-facts'
import { changeState } from './lifecycle'
import { followLogs, getLogs } from './logs'
import { createMonitor } from './monitor/monitor'
import { createMonitoringApi } from './monitor/monitor-api'
import { removeService } from './remove'
import { createServiceReads } from './service-reads'
import { systemSummary } from './system'

/** The in-process AgentClient: talks to the engine directly. */
export function createLocalAgent(ctx: AgentContext): AgentClient {
  const { docker } = ctx
  // Without startHostAgent (which starts it) the monitor stays idle and answers from a list refresh.
  const monitor = ctx.monitor ?? createMonitor(ctx)
  const deployer = createDeployer(ctx)
  const engine = ctx.engine ?? createEngineFacts(docker, { reachable: monitor.isDockerReachable })
  // Docker's "Up 5 minutes" is wall-clock time, whatever clock the agent's own records use.
  const reads = createServiceReads(monitor, Date.now)
  return {
    ...createMonitoringApi(monitor, { docker, backupDir: ctx.config.backupDir }),
    // Reads answer from caches kept current by Docker's events; actions below still go to Docker.
    dockerStatus: () => engine.status(),
    systemSummary: () => systemSummary(engine, reads.managedCount),
    listServices: () => reads.listServices(),
    getService: (ref) => reads.getService(ref),
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
