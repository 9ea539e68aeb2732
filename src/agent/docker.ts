import http from 'node:http'
import https from 'node:https'
import Docker from 'dockerode'

/**
 * The one dockerode instance of an agent: a shared keep-alive agent with a small socket pool
 * (PERFORMANCE: dockerode), pointed at DOCKER_HOST or the default socket.
 */
export function createDockerClient(dockerHost?: string): Docker {
  const pool = { keepAlive: true, maxSockets: 10, maxFreeSockets: 4 }
  if (!dockerHost || dockerHost.startsWith('unix://')) {
    const socketPath = dockerHost ? dockerHost.slice('unix://'.length) : '/var/run/docker.sock'
    return new Docker({ socketPath, agent: new http.Agent(pool) } as Docker.DockerOptions)
  }
  const url = new URL(dockerHost.replace(/^tcp:/, 'http:'))
  const secure = url.protocol === 'https:'
  return new Docker({
    host: url.hostname,
    port: Number(url.port || (secure ? 2376 : 2375)),
    protocol: secure ? 'https' : 'http',
    agent: secure ? new https.Agent(pool) : new http.Agent(pool),
  } as Docker.DockerOptions)
}
