import type { AgentClient, AlertsApi, BackupsApi, BulkApi, MonitoringApi } from './api'
import type { AgentContext } from './context'
import type { Deployer } from './deploy/deployer'
import type { EngineFacts } from './engine-facts'
import { changeState } from './lifecycle'
import { followLogs, getLogs } from './logs'
import type { Inventory } from './monitor/inventory'
import { removeService, type RemoveDeps } from './remove'
import { createServiceReads, type ServiceReadsDeps } from './service-reads'
import { createSystemSummary } from './system'

/** The parts the in-process client answers with, each built once by the composition root (host.ts). */
export interface LocalAgentParts {
  ctx: AgentContext
  /** What the reads ask of the monitor. */
  monitor: ServiceReadsDeps['monitor']
  /** The agent's inventory: lifecycle calls and deletes show their result in it at once. */
  inventory: ServiceReadsDeps['inventory'] & Pick<Inventory, 'upsert' | 'drop'>
  monitoring: MonitoringApi & AlertsApi
  /** Engine version and info, cached (engine-facts.ts). */
  engine: EngineFacts
  deployer: Deployer
  backups: BackupsApi
  bulk: BulkApi
  forget: RemoveDeps['forget']
  /** Lifecycle calls and deletes wait for the backup engine's crash recovery. */
  recovery: RemoveDeps['recovery']
}

/** The in-process AgentClient: talks to the engine directly. */
export function createLocalAgent({
  ctx,
  monitor,
  inventory,
  monitoring,
  engine,
  deployer,
  backups,
  bulk,
  forget,
  recovery,
}: LocalAgentParts): AgentClient {
  const { docker } = ctx
  const ops = { ...ctx, forget, recovery, inventory }
  // Docker's "Up 5 minutes" is wall-clock time, whatever clock the agent's own records use.
  const reads = createServiceReads({ monitor, inventory }, Date.now)
  const systemSummary = createSystemSummary(engine, reads.managedCount)
  return {
    ...monitoring,
    // Reads answer from caches kept current by Docker's events; actions below still go to Docker.
    dockerStatus: () => engine.status(),
    systemSummary: () => systemSummary(),
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
