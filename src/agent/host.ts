import type Docker from 'dockerode'
import type { Stores } from '../../storage'
import type { Config } from '../config'
import { systemClock, type Clock } from '../clock'
import { createEventHub, type EventHub } from '../events/hub'
import { createLimiter } from '../limiter'
import type { Logger } from '../logger'
import { webhookPolicyFromConfig } from '../net/webhook-policy'
import type { AgentClient } from './api'
import { createBackupsApi, startBackupEngine } from './backup'
import { alertSinkFrom } from './backup/alerts'
import { BackupEngine, type BackupEngineOptions } from './backup/engine'
import { BackupScheduler, type SchedulerOptions } from './backup/schedules'
import { createBulkApi } from './bulk'
import type { AgentContext } from './context'
import { createDeployer } from './deploy/deployer'
import { recoverInterruptedDeploys } from './deploy/recovery'
import { createDockerClient, createStreamDockerClient } from './docker'
import { watchDockerEvents } from './docker-events'
import { createForgetService } from './forget'
import { createEngineFacts } from './engine-facts'
import { createLocalAgent } from './local'
import { OperationLocks } from './locks'
import { createAlertEngine, type AlertEngine } from './monitor/alert-engine'
import { createHostCpu } from './monitor/host-stats'
import { createInventory } from './monitor/inventory'
import { createMonitor, type Monitor } from './monitor/monitor'
import { monitorOptions, type MonitorOptions } from './monitor/monitor-options'
import { createMonitoringApi } from './monitor/monitor-api'
import { createSystemMetrics } from './monitor/system-metrics'
import { createThresholds, DEFAULT_THRESHOLDS, type Thresholds } from './monitor/thresholds'
import { createWebhookSender, type WebhookSender } from './monitor/webhook'
import { interfaceAddresses } from './monitor/webhook-target'
import { createWebhookTester } from './monitor/webhook-test'

/** The host agent as one unit: its context, its client, its background work. */
export interface HostAgent {
  client: AgentClient
  hub: EventHub
  docker: Docker
  /** The dockerode for long-lived streams (its own connections, none pooled). */
  streams: Docker
  context: AgentContext
  monitor: Monitor
  /** The alert engine, its thresholds and its webhook sender (the monitor and the backup engine raise alerts). */
  alerting: { alerts: AlertEngine; thresholds: Thresholds; webhook: WebhookSender }
  /** The backup engine and its schedules, one of each per agent. */
  backups: { engine: BackupEngine; scheduler: BackupScheduler }
  /** Resolves once the docker events subscription is open. */
  ready: Promise<void>
  close(): Promise<void>
}

export interface HostAgentOptions {
  config: Config
  stores: Stores
  logger: Logger
  docker?: Docker
  /** The dockerode for long-lived streams; default: a fresh one on the same engine. */
  streams?: Docker
  hub?: EventHub
  clock?: Clock
  /** Backup engine settings (tests shorten the settle time, swap the alert sink). */
  backups?: BackupEngineOptions & { scheduler?: SchedulerOptions }
  /** Monitor tuning (intervals, sample counts, stats source); tests shorten the intervals. */
  monitor?: Partial<MonitorOptions>
}

/**
 * The agent's composition root: builds the monitor, the backup engine and its scheduler, the
 * deployer and the bulk runner once, hands each only what it needs, then starts the background
 * work: docker events, the monitor, backup recovery and schedules, deploy recovery.
 */
export function startHostAgent(options: HostAgentOptions): HostAgent {
  const docker = options.docker ?? createDockerClient(options.config.dockerHost)
  const streams = options.streams ?? createStreamDockerClient(options.config.dockerHost)
  const hub = options.hub ?? createEventHub()
  const clock = options.clock ?? systemClock
  const context: AgentContext = {
    docker,
    streams,
    events: hub,
    stores: options.stores,
    config: options.config,
    logger: options.logger,
    clock,
    limit: createLimiter(4),
    locks: new OperationLocks(() => clock.now()),
  }
  const { inventory, alerts, thresholds, webhook, monitor, monitoring } = buildMonitoring(context, options.monitor)
  const { scheduler: schedulerOptions, ...engineOptions } = options.backups ?? {}
  // backup_missing is an alert like any other: the monitor's alert engine owns it.
  const engine = new BackupEngine(context, { alerts: alertSinkFrom(alerts, options.logger), ...engineOptions })
  const scheduler = new BackupScheduler(engine, schedulerOptions)
  const deployer = createDeployer(context)
  const forget = createForgetService({ backups: engine, schedules: scheduler, monitor })
  // Before the client: crash recovery runs first, and the client's jobs wait for it.
  const backups = startBackupEngine({ engine, scheduler })
  const engineFacts = createEngineFacts(docker, { reachable: monitor.isDockerReachable })
  // Before the client exists, so no deploy of this process can be mistaken for an interrupted one.
  const deploys = recoverInterruptedDeploys(context, context.clock.now()).catch((err) =>
    options.logger.error({ msg: 'deploy crash recovery failed', error: String((err as Error)?.message ?? err) }),
  )
  const client = createLocalAgent({
    ctx: context,
    monitor,
    inventory,
    monitoring,
    engine: engineFacts,
    deployer,
    backups: createBackupsApi({ engine, scheduler, deployer }),
    bulk: createBulkApi({ ...context, forget, recovery: engine, backups: engine, inventory }),
    forget,
    recovery: engine,
  })
  // The monitor hears container events as they are published: crashes, removals, fresher state.
  const publisher = {
    publish: (type: Parameters<EventHub['publish']>[0], data: Record<string, unknown>) => {
      const event = hub.publish(type, data)
      if (type === 'container-event') monitor.onContainerEvent(data)
      return event
    },
  }
  const watcher = watchDockerEvents(streams, publisher, options.logger, {
    // Events missed while the stream was down are replayed with `since`, but the engine may have
    // restarted (new version, containers gone): resync the inventory and ask for the facts again.
    onStreamChange: (up) => {
      engineFacts.invalidate()
      if (up) void monitor.refreshInventory()
    },
  })
  void monitor.start().catch((err) => options.logger.error({ msg: 'monitor failed to start', error: String(err) }))
  return {
    client,
    hub,
    docker,
    streams,
    context,
    monitor,
    alerting: { alerts, thresholds, webhook },
    backups: { engine, scheduler },
    ready: Promise.all([watcher.ready, backups.ready, deploys]).then(() => undefined),
    async close() {
      await backups.close()
      watcher.stop()
      await monitor.stop()
      // After the monitor's last alerts: what is still queued is given up, not sent after close.
      webhook.close()
      hub.close()
    },
  }
}

/** What the monitoring parts are built from. */
export type MonitoringInfra = Pick<AgentContext, 'docker' | 'stores' | 'logger' | 'clock' | 'events' | 'config'>

/**
 * The monitoring parts, each built once: the inventory (shared with the reads and lifecycle
 * calls), the thresholds, webhook sender and alert engine (the backup engine raises alerts
 * too), the monitor over them, and the monitoring and alerts API, which gets only the narrow
 * part of each it asks for. Exported so unit tests wire a monitor over a fake engine the same way.
 */
export function buildMonitoring(infra: MonitoringInfra, overrides?: Partial<MonitorOptions>) {
  const { docker, stores, logger, clock, events, config } = infra
  const tuning = monitorOptions(overrides)
  const inventory = createInventory(docker)
  const thresholds = createThresholds(stores.alertSettings, { ...DEFAULT_THRESHOLDS, ...tuning.alertDefaults }, logger)
  const policy = webhookPolicyFromConfig(config, interfaceAddresses())
  const webhook = createWebhookSender({ url: thresholds.webhookUrl, logger, policy, ...tuning.webhook })
  const identify = (serviceId: string) => inventory.identify(serviceId)
  const alerts = createAlertEngine({ events, store: stores.alertState, thresholds, webhook, logger, clock, identify })
  const hostCpu = createHostCpu(tuning.procRoot)
  const monitor = createMonitor(
    { docker, stores, logger, clock, events, inventory, thresholds, alerts, hostCpu },
    tuning,
  )
  const systemMetrics = createSystemMetrics({
    docker,
    hostCpu,
    procRoot: tuning.procRoot,
    backupDir: config.backupDir,
    managedCount: () => inventory.size(),
  })
  // The webhook "send test" holds its own lock and cooldown (webhook-test.ts).
  const testAlertWebhook = createWebhookTester({
    sender: webhook,
    savedUrl: thresholds.webhookUrl,
    logger,
    clock,
    timeoutMs: tuning.webhook.timeoutMs,
  })
  const monitoring = {
    ...createMonitoringApi({ monitor, alerts, thresholds, webhook, systemMetrics }),
    testAlertWebhook,
  }
  return { inventory, alerts, thresholds, webhook, monitor, monitoring }
}
