import type Docker from 'dockerode'
import { createEventHub, type EventHub } from '../events/hub'
import type { Logger } from '../logger'
import type { AgentClient } from './client'
import { createDockerClient } from './docker'
import { watchDockerEvents, type DockerEventWatcher } from './docker-events'
import { createLocalAgent } from './local'

/** The host agent as one unit: its docker client, its event hub, its background work. */
export interface HostAgent {
  client: AgentClient
  hub: EventHub
  docker: Docker
  /** Resolves once the docker events subscription is open. */
  ready: Promise<void>
  close(): Promise<void>
}

export function startHostAgent(options: { dockerHost?: string; docker?: Docker; logger: Logger; hub?: EventHub }): HostAgent {
  const docker = options.docker ?? createDockerClient(options.dockerHost)
  const hub = options.hub ?? createEventHub()
  const client = createLocalAgent({ docker, events: hub })
  const watcher: DockerEventWatcher = watchDockerEvents(docker, hub, options.logger)
  return {
    client,
    hub,
    docker,
    ready: watcher.ready,
    async close() {
      watcher.stop()
      hub.close()
    },
  }
}
