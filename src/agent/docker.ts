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

/**
 * The one dockerode instance of an agent: a shared keep-alive agent with a small socket pool
 * (PERFORMANCE: dockerode), pointed at DOCKER_HOST or the default socket.
 */
export function createDockerClient(dockerHost?: string): Docker {
  const pool = { keepAlive: true, maxSockets: 10, maxFreeSockets: 4 }
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
