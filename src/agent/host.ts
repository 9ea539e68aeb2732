import type Docker from 'dockerode'
import type { Stores } from '../../storage'
import type { Config } from '../config'
import { systemClock, type Clock } from '../deps'
import { createEventHub, type EventHub } from '../events/hub'
import { createLimiter } from '../limiter'
import type { Logger } from '../logger'
import type { AgentClient } from './client'
import { startBackupEngine } from './backup'
import type { BackupEngineOptions } from './backup/engine'
import type { AgentContext } from './context'
import { createDockerClient } from './docker'
import { watchDockerEvents } from './docker-events'
import { createLocalAgent } from './local'

/** The host agent as one unit: its context, its client, its background work. */
export interface HostAgent {
  client: AgentClient
  hub: EventHub
  docker: Docker
  context: AgentContext
  /** Resolves once the docker events subscription is open. */
  ready: Promise<void>
  close(): Promise<void>
}

export interface HostAgentOptions {
  config: Config
  stores: Stores
  logger: Logger
  docker?: Docker
  hub?: EventHub
  clock?: Clock
  /** Backup engine settings, e.g. the alert sink for missed schedules. */
  backups?: BackupEngineOptions
}

/** Builds the agent and starts its background work (docker events, backup recovery and schedules). */
export function startHostAgent(options: HostAgentOptions): HostAgent {
  const docker = options.docker ?? createDockerClient(options.config.dockerHost)
  const hub = options.hub ?? createEventHub()
  const context: AgentContext = {
    docker,
    events: hub,
    stores: options.stores,
    config: options.config,
    logger: options.logger,
    clock: options.clock ?? systemClock,
    limit: createLimiter(4),
  }
  // Before the client: crash recovery runs first, and the client shares the engine it starts.
  const backups = startBackupEngine(context, options.backups)
  const client = createLocalAgent(context)
  const watcher = watchDockerEvents(docker, hub, options.logger)
  return {
    client,
    hub,
    docker,
    context,
    ready: Promise.all([watcher.ready, backups.ready]).then(() => undefined),
    async close() {
      await backups.close()
      watcher.stop()
      hub.close()
    },
  }
}
