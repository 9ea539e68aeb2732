import dgram from 'node:dgram'
import net from 'node:net'
import type Docker from 'dockerode'
import { AppError } from '../../errors'
import { createLimiter, mapLimited } from '../../limiter'
import { isStatus, toAppError } from '../docker-errors'

export interface PortRequest {
  container: number
  protocol: 'tcp' | 'udp'
  preferredHost: number
}

export interface AllocatedPort {
  container: number
  protocol: 'tcp' | 'udp'
  host: number
}

/** Whether `port` can be bound on the host right now. */
export type PortProbe = (port: number, protocol: 'tcp' | 'udp') => Promise<boolean>

/** How far past the preferred port the search goes before giving up. */
const MAX_TRIES = 200

/**
 * Picks host ports for deploys. A port is free when no container — running or stopped, managed
 * or not — has it in its port bindings (a stopped container takes its port back when started),
 * no deploy in flight holds it, and the host lets us bind it briefly (something outside Docker
 * may be listening). One allocation at a time, so concurrent deploys never get the same port;
 * a port stays held until its container exists (its binding is then visible) or the deploy fails.
 */
export function createPortAllocator(docker: Docker, options: { probe?: PortProbe } = {}) {
  const probe = options.probe ?? probeHostPort
  const lock = createLimiter(1)
  const held = new Map<string, string[]>()

  return {
    allocate(owner: string, requests: readonly PortRequest[]): Promise<AllocatedPort[]> {
      if (requests.length === 0) return Promise.resolve([])
      return lock(async () => {
        // Read the holds before listing: a deploy whose container appears after the listing
        // started releases its hold meanwhile, and must still count as using its port.
        const holds = [...held.values()].flat()
        const used = await hostPortsInUse(docker)
        for (const key of holds) used.add(key)
        const out: AllocatedPort[] = []
        for (const request of requests) {
          let port = request.preferredHost
          for (let tries = 0; ; tries++, port++) {
            if (tries >= MAX_TRIES || port > 65535) {
              throw new AppError(
                503,
                'no_free_port',
                `No free host port for ${request.container}/${request.protocol} between ${request.preferredHost} and ${port - 1}`,
              )
            }
            const key = `${port}/${request.protocol}`
            if (!used.has(key) && (await probe(port, request.protocol))) {
              used.add(key)
              out.push({ container: request.container, protocol: request.protocol, host: port })
              break
            }
          }
        }
        held.set(
          owner,
          out.map((p) => `${p.host}/${p.protocol}`),
        )
        return out
      })
    },
    release(owner: string) {
      held.delete(owner)
    },
  }
}

export type PortAllocator = ReturnType<typeof createPortAllocator>

/** Host ports in every container's bindings; `docker ps` shows them only for running ones. */
export async function hostPortsInUse(docker: Docker): Promise<Set<string>> {
  const used = new Set<string>()
  let containers: Docker.ContainerInfo[]
  try {
    containers = await docker.listContainers({ all: true })
  } catch (err) {
    throw toAppError(err)
  }
  await mapLimited(containers, 8, async (c) => {
    for (const p of c.Ports ?? []) if (p.PublicPort) used.add(`${p.PublicPort}/${p.Type}`)
    try {
      const info = await docker.getContainer(c.Id).inspect()
      for (const [key, bindings] of Object.entries(info.HostConfig.PortBindings ?? {})) {
        const protocol = key.split('/')[1] ?? 'tcp'
        for (const b of (bindings as { HostPort?: string }[] | null) ?? [])
          if (b.HostPort) used.add(`${Number(b.HostPort)}/${protocol}`)
      }
    } catch (err) {
      // Removed between the list and the inspect: it holds no port any more.
      if (!isStatus(err, 404)) throw toAppError(err)
    }
  })
  return used
}

/** Binds the port on all IPv4 addresses for a moment, as Docker's port publishing would. */
export function probeHostPort(port: number, protocol: 'tcp' | 'udp'): Promise<boolean> {
  return new Promise((resolve) => {
    if (protocol === 'udp') {
      const socket = dgram.createSocket('udp4')
      socket.once('error', () => {
        try {
          socket.close()
        } catch {
          // never bound: nothing to close
        }
        resolve(false)
      })
      socket.bind({ port, address: '0.0.0.0', exclusive: true }, () => socket.close(() => resolve(true)))
      return
    }
    const server = net.createServer()
    server.once('error', () => resolve(false))
    server.listen({ port, host: '0.0.0.0', exclusive: true }, () => server.close(() => resolve(true)))
  })
}
