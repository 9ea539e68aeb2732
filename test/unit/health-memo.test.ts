import { describe, expect, it } from 'vitest'
import { buildHealth } from '../../src/agent/monitor/health'
import { createHealthMemo, type HealthInputs } from '../../src/agent/monitor/health-memo'
import type { InventoryEntry } from '../../src/agent/monitor/inventory'

const STARTED = '2026-12-01T10:00:00.000Z'
const T0 = Date.parse(STARTED)

const entry = (): InventoryEntry =>
  ({
    id: 'c1',
    serviceId: 's1',
    name: 'one',
    state: 'running',
    created: T0 / 1000,
    facts: { health: null, restartCount: 0, exitCode: null, oomKilled: false, startedAt: STARTED, finishedAt: null },
    signature: 'x',
    stale: false,
    row: {},
    inspect: null,
  }) as unknown as InventoryEntry

const memo = () =>
  createHealthMemo((e, i) => buildHealth(e, i.sample, { enabled: true, intervalMs: 30_000 }, i.dockerReachable, i.now))
const at = (now: number, more: Partial<HealthInputs> = {}): HealthInputs => ({
  sample: undefined,
  settings: undefined,
  dockerReachable: true,
  now,
  ...more,
})

describe("a service's health, built again only when it changed", () => {
  it('uptime follows the clock second by second', () => {
    const health = memo()
    const e = entry()
    expect(health(e, at(T0 + 5_000)).uptimeSeconds).toBe(5)
    expect(health(e, at(T0 + 6_000)).uptimeSeconds).toBe(6)
    expect(health(e, at(T0 + 3_661_000)).uptime).toBe('1h 1m 1s')
  })

  it('is the same object within a second, and across seconds when it says the same', () => {
    const health = memo()
    const e = entry()
    const first = health(e, at(T0 + 5_000))
    expect(health(e, at(T0 + 5_900))).toBe(first)
    e.state = 'exited'
    e.facts = { ...e.facts!, exitCode: 0, finishedAt: '2026-12-01T10:00:06.000Z' }
    const stopped = health(e, at(T0 + 7_000))
    expect(stopped).not.toBe(first)
    expect(stopped.uptimeSeconds).toBe(0)
    // Stopped, nothing counts up: a later second builds an equal health, handed out as the same object.
    expect(health(e, at(T0 + 20_000))).toBe(stopped)
  })

  it('shows a new sample, a state change, a rename or Docker going away at once, within the same second', () => {
    const health = memo()
    const e = entry()
    const now = T0 + 5_000
    expect(health(e, at(now)).lastCheck).toBeNull()
    const sample = { at: now, metrics: null, error: null }
    expect(health(e, at(now, { sample })).lastCheck).toBe(new Date(now).toISOString())
    e.state = 'paused'
    expect(health(e, at(now, { sample })).status).toBe('paused')
    e.name = 'renamed'
    expect(health(e, at(now, { sample })).serviceName).toBe('renamed')
    expect(health(e, at(now, { sample, dockerReachable: false })).status).toBe('unreachable')
  })
})
