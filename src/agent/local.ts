import type { AgentClient, AlertsApi, BackupsApi, BulkApi } from './api'
import type { AgentContext } from './context'
import type { Deployer } from './deploy/deployer'
import type { EngineFacts } from './engine-facts'
import { changeState } from './lifecycle'
import { followLogs, getLogs } from './logs'
import type { Monitor } from './monitor/monitor'
import { createMonitoringApi } from './monitor/monitor-api'
import { removeService, type RemoveDeps } from './remove'
import { createServiceReads } from './service-reads'
import { systemSummary } from './system'

/** The parts the in-process client answers with, each built once by the composition root (host.ts). */
export interface LocalAgentParts {
  ctx: AgentContext
  monitor: Monitor
  /** Engine version and info, cached (engine-facts.ts). */
  engine: EngineFacts
  deployer: Deployer
  backups: BackupsApi
  bulk: BulkApi
  forget: RemoveDeps['forget']
  /** Lifecycle calls and deletes wait for the backup engine's crash recovery. */
  recovery: RemoveDeps['recovery']
  /** The webhook "send test" (monitor/webhook-test.ts): it holds its own lock and cooldown. */
  testAlertWebhook: AlertsApi['testAlertWebhook']
}

/** The in-process AgentClient: talks to the engine directly. */
export function createLocalAgent({
  ctx,
  monitor,
  engine,
  deployer,
  backups,
  bulk,
  forget,
  recovery,
  testAlertWebhook,
}: LocalAgentParts): AgentClient {
  const { docker } = ctx
  const ops = { ...ctx, forget, recovery, inventory: monitor.inventory }
  // Docker's "Up 5 minutes" is wall-clock time, whatever clock the agent's own records use.
  const reads = createServiceReads(monitor, Date.now)
  return {
    ...createMonitoringApi(monitor, { docker, backupDir: ctx.config.backupDir }),
    testAlertWebhook,
    // Reads answer from caches kept current by Docker's events; actions below still go to Docker.
    dockerStatus: () => engine.status(),
    systemSummary: () => systemSummary(engine, reads.managedCount),
    listServices: () => reads.listServices(),
    getService: (ref) => reads.getService(ref),
    startService: (ref, options) => changeState(ops, ref, 'start', options),
    stopService: (ref, options) => changeState(ops, ref, 'stop', options),
    restartService: (ref, options) => changeState(ops, ref, 'restart', options),
    removeService: (ref, options) => removeService(ops, ref, options),
    getLogs: (ref, options) =>
      getLogs(docker, ref, { ...options, streams: ctx.streams, maxBytes: ctx.config.logsMaxBytes }),
    followLogs: (ref, options) => followLogs(docker, ref, { ...options, streams: ctx.streams }),
    deploy: deployer.deploy,
    getDeployment: deployer.getDeployment,
    ...backups,
    ...bulk,
  }
}
