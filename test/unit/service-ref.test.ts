import type Docker from 'dockerode'
import { describe, expect, it } from 'vitest'
import { createInventory } from '../../src/agent/monitor/inventory'
import { resolveService, serviceIdOf } from '../../src/agent/services'
import { auth, buildTestApp } from '../helpers/app'
import { fakeService } from '../helpers/fake-agent'

const hex = (c: string) => c.repeat(64)

/** A list row as Docker gives it. */
function row(id: string, name: string, state: string, created: number): Docker.ContainerInfo {
  return {
    Id: id,
    Names: [`/${name}`],
    Image: 'zapie-test/busybox:latest',
    State: state,
    Status: state === 'running' ? 'Up 1 second' : 'Created',
    Created: created,
    Labels: { 'zapie.managed': 'true', 'zapie.id': 'zapie-db-1' },
    Ports: [],
    Mounts: [],
  } as unknown as Docker.ContainerInfo
}

/** A restore in flight: the new container exists (newest, not started yet), the old one still runs. */
const restoring = [row(hex('b'), 'zapie-db-1', 'created', 2000), row(hex('a'), 'zapie-db-1-old', 'running', 1000)]

/** Just enough of dockerode for the resolver and the inventory: Docker lists newest first. */
function engine(rows: Docker.ContainerInfo[]): Docker {
  return {
    listContainers: async () => rows,
    getContainer: (id: string) => ({
      inspect: async () => ({
        Id: id,
        State: {
          Running: rows.find((r) => r.Id === id)?.State === 'running',
          Pid: 1,
          StartedAt: '',
          FinishedAt: '',
          ExitCode: 0,
        },
        HostConfig: {},
        RestartCount: 0,
        Config: { Labels: {} },
      }),
    }),
  } as unknown as Docker
}

describe('one resolver of a service reference', () => {
  it('gives the service routes and the monitor the same container while two share a stable id', async () => {
    const docker = engine(restoring)
    const inventory = createInventory(docker)
    await inventory.refresh(Date.now())
    const forDetails = await resolveService(docker, 'zapie-db-1')
    const forHealth = inventory.resolve('zapie-db-1')
    expect(forDetails.Id).toBe(forHealth?.id)
    // The running one is the service until the restore finishes.
    expect(forDetails.Id).toBe(hex('a'))
    expect(inventory.byService('zapie-db-1')?.id).toBe(hex('a'))
    // The health overview's list: one entry per service, the same one, in service-id order.
    const services = inventory.services()
    const ids = [...inventory.serviceIds()].sort()
    expect(services.map((e) => e.serviceId)).toEqual(ids)
    expect(services.map((e) => e.id)).toEqual(ids.map((id) => inventory.byService(id)?.id))
    expect(services.find((e) => e.serviceId === 'zapie-db-1')?.id).toBe(hex('a'))
  })

  it('resolves full ids and unique 12-character prefixes, and nothing shorter or ambiguous', async () => {
    const docker = engine([
      row(hex('c'), 'one', 'running', 1),
      row(`${'c'.repeat(12)}${'d'.repeat(52)}`, 'two', 'running', 2),
    ])
    await expect(resolveService(docker, hex('c'))).resolves.toMatchObject({ Id: hex('c') })
    await expect(resolveService(docker, 'c'.repeat(12))).rejects.toMatchObject({ status: 404 })
    await expect(resolveService(docker, `${'c'.repeat(12)}d`)).resolves.toMatchObject({ Names: ['/two'] })
    await expect(resolveService(docker, 'c'.repeat(11))).rejects.toMatchObject({ status: 404 })
    await expect(resolveService(docker, '../etc')).rejects.toMatchObject({ status: 404 })
  })

  it('is the rule the test fake uses too', async () => {
    const old = fakeService('zapie-db-1', { id: hex('a'), created: 1_767_225_600 })
    const fresh = fakeService('zapie-db-1', {
      id: hex('b'),
      created: 1_767_312_000,
      state: 'created',
      isRunning: false,
    })
    const { app } = await buildTestApp({ services: [fresh, old] })
    const res = await app.request('/api/services/zapie-db-1', { headers: auth })
    expect((await res.json()).service.id).toBe(hex('a'))
  })

  it('falls back to the container id for a record with neither a stable id nor a name', () => {
    expect(serviceIdOf({ Id: hex('e'), Names: [], Labels: {} })).toBe(hex('e'))
    expect(serviceIdOf({ Id: hex('e'), Names: ['/named'], Labels: {} })).toBe('named')
  })
})
