import { describe, expect, it } from 'vitest'
import type { EngineFacts } from '../../src/agent/engine-facts'
import { createSystemSummary } from '../../src/agent/system'

const engineWith = (info: { current: Record<string, unknown> }) =>
  ({ info: async () => info.current }) as unknown as EngineFacts

describe('the system summary of the health check', () => {
  it('is the same object while the engine info and the service count are, and new when either changes', async () => {
    const info = {
      current: { Containers: 3, ContainersRunning: 2, NCPU: 2, Name: 'host-a' } as Record<string, unknown>,
    }
    let managed = 1
    const summary = createSystemSummary(engineWith(info), async () => managed)
    const first = await summary()
    expect(first.containers).toMatchObject({ total: 3, running: 2, managed: 1 })
    expect(await summary()).toBe(first)
    managed = 2
    const second = await summary()
    expect(second).not.toBe(first)
    expect(second.containers.managed).toBe(2)
    info.current = { ...info.current, Containers: 4 }
    const third = await summary()
    expect(third.containers.total).toBe(4)
    expect(third.host.name).toBe('host-a')
  })
})
