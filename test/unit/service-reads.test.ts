import type Docker from 'dockerode'
import { describe, expect, it } from 'vitest'
import type { InventoryEntry } from '../../src/agent/monitor/inventory'
import { createServiceReads } from '../../src/agent/service-reads'

const STARTED = Date.parse('2026-12-01T10:00:00.600Z')

function entry(id: string): InventoryEntry {
  return {
    id,
    serviceId: id,
    name: id,
    state: 'running',
    created: Math.floor(STARTED / 1000),
    facts: null,
    signature: 's',
    stale: false,
    row: {
      Id: id,
      Names: [`/${id}`],
      Image: 'busybox',
      State: 'running',
      Status: 'Up 1 second',
      Created: Math.floor(STARTED / 1000),
      Ports: [],
      Labels: { 'zapie.managed': 'true' },
    } as unknown as Docker.ContainerInfo,
    inspect: {
      Created: '2026-12-01T10:00:00.123456789Z',
      State: { Running: true, Paused: false, Restarting: false, StartedAt: new Date(STARTED).toISOString() },
      HostConfig: {},
      Config: { Env: [], Cmd: [] },
      Mounts: [],
    } as unknown as Docker.ContainerInspectInfo,
  }
}

function reads(entries: InventoryEntry[], clock: { now: number }) {
  return createServiceReads(
    {
      monitor: {
        current: async () => {},
        find: async (ref) => entries.find((e) => e.id === ref),
        isDockerReachable: () => true,
        listedAt: () => 0,
      },
      inventory: { entries: () => entries, size: () => entries.length, inspectNow: async () => {} },
    },
    () => clock.now,
  )
}

describe('service reads from the inventory', () => {
  it('the status text follows the clock, as Docker would say it at that moment', async () => {
    const clock = { now: STARTED + 5_000 }
    const r = reads([entry('a')], clock)
    expect((await r.listServices())[0]!.status).toBe('Up 5 seconds')
    clock.now = STARTED + 6_000
    expect((await r.listServices())[0]!.status).toBe('Up 6 seconds')
    clock.now = STARTED + 61 * 60_000
    expect((await r.listServices())[0]!.status).toBe('Up About an hour')
    expect((await r.getService('a')).status).toBe('Up About an hour')
  })

  it('hands out the same list while nothing a client would see changed, so its text is kept', async () => {
    const clock = { now: STARTED + 90 * 60_000 }
    const r = reads([entry('a'), entry('b')], clock)
    const first = await r.listServices()
    clock.now += 400
    expect(await r.listServices()).toBe(first)
    // Another second, but "2 hours" still: the very same summaries and list.
    clock.now += 1_000
    expect(await r.listServices()).toBe(first)
  })

  it('a new inspect is shown at once, within the same second', async () => {
    const clock = { now: STARTED + 5_000 }
    const e = entry('a')
    const r = reads([e], clock)
    expect((await r.listServices())[0]!.status).toBe('Up 5 seconds')
    e.inspect = { ...e.inspect!, State: { ...e.inspect!.State, Paused: true } }
    expect((await r.listServices())[0]!.status).toBe('Up 5 seconds (Paused)')
  })
})
