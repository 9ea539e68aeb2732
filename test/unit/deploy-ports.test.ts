import net from 'node:net'
import type { AddressInfo } from 'node:net'
import type Docker from 'dockerode'
import { describe, expect, it } from 'vitest'
import { createPortAllocator, probeHostPort } from '../../src/agent/deploy/ports'

/** Just enough of dockerode: containers with their published ports and bindings. */
function fakeDocker(containers: { id: string; running?: number[]; bound?: number[] }[]) {
  return {
    listContainers: async () =>
      containers.map((c) => ({
        Id: c.id,
        Ports: (c.running ?? []).map((p) => ({ PrivatePort: 80, PublicPort: p, Type: 'tcp' })),
      })),
    getContainer: (id: string) => ({
      inspect: async () => {
        const c = containers.find((x) => x.id === id)
        if (!c) throw Object.assign(new Error('gone'), { statusCode: 404 })
        return {
          HostConfig: {
            PortBindings: Object.fromEntries(
              (c.bound ?? []).map((p, i) => [`${80 + i}/tcp`, [{ HostIp: '', HostPort: String(p) }]]),
            ),
          },
        }
      },
    }),
  } as unknown as Docker
}

const anyPortFree = async () => true
const tcp = (preferredHost: number) => ({ container: 80, protocol: 'tcp' as const, preferredHost })

describe('host port allocation', () => {
  it('skips ports held by any container, running or stopped, and ports the host has in use', async () => {
    const docker = fakeDocker([
      { id: 'running', running: [8080] },
      { id: 'stopped', bound: [8081] },
    ])
    const busy = new Set([8082])
    const allocator = createPortAllocator(docker, { probe: async (port) => !busy.has(port) })
    expect(await allocator.allocate('d1', [tcp(8080)])).toEqual([{ container: 80, protocol: 'tcp', host: 8083 }])
  })

  it('gives concurrent deploys different ports, and frees a port only when released', async () => {
    const allocator = createPortAllocator(fakeDocker([]), { probe: anyPortFree })
    const [a, b, c] = await Promise.all([
      allocator.allocate('a', [tcp(5678)]),
      allocator.allocate('b', [tcp(5678)]),
      allocator.allocate('c', [tcp(5678)]),
    ])
    expect([a[0]!.host, b[0]!.host, c[0]!.host].sort()).toEqual([5678, 5679, 5680])
    allocator.release('a')
    expect((await allocator.allocate('d', [tcp(5678)]))[0]!.host).toBe(a[0]!.host)
  })

  it('counts a port as used when its container appears while the engine is being listed', async () => {
    let listed!: () => void
    const docker = fakeDocker([])
    const listing = docker.listContainers
    const allocator = createPortAllocator(docker, { probe: anyPortFree })
    const first = await allocator.allocate('a', [tcp(5678)])
    // The next listing is slow; meanwhile deploy `a` creates its container and drops its hold.
    docker.listContainers = (() =>
      new Promise((resolve) => (listed = () => resolve(listing.call(docker))))) as typeof docker.listContainers
    const second = allocator.allocate('b', [tcp(5678)])
    await new Promise((r) => setTimeout(r, 10))
    allocator.release('a')
    listed()
    expect((await second)[0]!.host).not.toBe(first[0]!.host)
  })

  it('treats tcp and udp as different ports and never hands one port to two requests of one deploy', async () => {
    const allocator = createPortAllocator(fakeDocker([]), { probe: anyPortFree })
    const ports = await allocator.allocate('x', [
      tcp(53),
      { container: 53, protocol: 'udp', preferredHost: 53 },
      tcp(53),
    ])
    expect(ports.map((p) => `${p.host}/${p.protocol}`)).toEqual(['53/tcp', '53/udp', '54/tcp'])
  })

  it('ignores a container removed while it looks, and gives up with 503 when nothing is free', async () => {
    const docker = fakeDocker([])
    const listing = docker.listContainers
    docker.listContainers = (async () => [
      ...(await listing.call(docker)),
      { Id: 'vanished', Ports: [] },
    ]) as typeof docker.listContainers
    const allocator = createPortAllocator(docker, { probe: async () => false })
    await expect(allocator.allocate('z', [tcp(60000)])).rejects.toMatchObject({ status: 503, code: 'no_free_port' })
  })

  it('probes the host for real: a listening port is taken, a closed one is free', async () => {
    const server = net.createServer()
    await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve))
    const { port } = server.address() as AddressInfo
    try {
      expect(await probeHostPort(port, 'tcp')).toBe(false)
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }
    expect(await probeHostPort(port, 'tcp')).toBe(true)
  })
})
