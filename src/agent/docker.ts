import http from 'node:http'
import https from 'node:https'
import { inspect } from 'node:util'
import Docker from 'dockerode'

/**
 * docker-modem runs util.inspect(options, { showHidden: true, depth: null }) on every request,
 * debug logging on or off, and the options carry the keep-alive agent with all its sockets: about
 * a millisecond of CPU per Docker call, more under load. A one-word inspection of the agent keeps
 * frequent calls (the monitor lists containers every tick) cheap.
 */
function cheapToInspect<T extends object>(agent: T): T {
  Object.defineProperty(agent, inspect.custom, { value: () => '[docker keep-alive agent]' })
  return agent
}

function dockerWith(dockerHost: string | undefined, pool: http.AgentOptions): Docker {
  if (!dockerHost || dockerHost.startsWith('unix://')) {
    const socketPath = dockerHost ? dockerHost.slice('unix://'.length) : '/var/run/docker.sock'
    return new Docker({ socketPath, agent: cheapToInspect(new http.Agent(pool)) } as Docker.DockerOptions)
  }
  const url = new URL(dockerHost.replace(/^tcp:/, 'http:'))
  const secure = url.protocol === 'https:'
  return new Docker({
    host: url.hostname,
    port: Number(url.port || (secure ? 2376 : 2375)),
    protocol: secure ? 'https' : 'http',
    agent: cheapToInspect(secure ? new https.Agent(pool) : new http.Agent(pool)),
  } as Docker.DockerOptions)
}

/**
 * The dockerode instance for short calls (list, inspect, start, stop…): a shared keep-alive
 * agent with a small socket pool (PERFORMANCE: dockerode), pointed at DOCKER_HOST or the
 * default socket. Nothing that holds a connection open for long may use it: ten open log
 * follows would take every socket and stall the API and the monitor.
 */
export function createDockerClient(dockerHost?: string): Docker {
  return dockerWith(dockerHost, { keepAlive: true, maxSockets: 10, maxFreeSockets: 4 })
}

/**
 * The dockerode instance for long-lived streams (log follows, the events subscription, archive
 * transfers, image pulls): one connection per stream, never pooled nor kept alive, so a stream
 * never waits for, nor takes, a socket that short calls need, and a destroyed stream closes its
 * socket. How many streams may be open is bounded where they are opened (the follow limit).
 */
export function createStreamDockerClient(dockerHost?: string): Docker {
  return dockerWith(dockerHost, { keepAlive: false, maxSockets: Infinity })
}

/** Open connections of a client made by this module (tests and diagnostics). */
export function openSockets(docker: Docker): number {
  const agent = (docker.modem as unknown as { agent?: http.Agent }).agent
  if (!agent) return 0
  return Object.values(agent.sockets).reduce((n, list) => n + (list?.length ?? 0), 0)
}
