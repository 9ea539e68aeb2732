import { describe, expect, it } from 'vitest'
import { createInventorySync } from '../../src/agent/monitor/inventory-sync'
import type { Logger } from '../../src/logger'

/** An inventory whose refreshes the test releases by hand, recording what it was asked. */
function controlledInventory() {
  const calls: string[] = []
  const pending: { what: string; release: (fail?: boolean) => void }[] = []
  const wait = (what: string) =>
    new Promise<void>((resolve, reject) => {
      calls.push(what)
      pending.push({ what, release: (fail) => (fail ? reject(new Error('connect ECONNREFUSED')) : resolve()) })
    })
  return {
    calls,
    pending,
    inventory: {
      refresh: () => wait('list'),
      refreshOne: (id: string) => wait(`one:${id}`),
      markStale: (id: string) => calls.push(`stale:${id}`),
    },
  }
}

const tick = () => new Promise((r) => setTimeout(r, 0))

function recordingLogger() {
  const lines: string[] = []
  const log = (fields: Record<string, unknown>) =>
    lines.push(fields.error === undefined ? String(fields.msg) : `${fields.msg}: ${fields.error}`)
  return { lines, logger: { debug: log, info: log, warn: log, error: log, request: log } as Logger }
}

describe('keeping the inventory in step with Docker', () => {
  it('shares one container-list read among callers that arrive while it runs', async () => {
    const inv = controlledInventory()
    const sync = createInventorySync(inv.inventory, { logger: recordingLogger().logger, clock: { now: () => 0 } })
    const a = sync.refresh()
    const b = sync.refresh()
    expect(inv.calls).toEqual(['list'])
    inv.pending[0]!.release()
    await Promise.all([a, b])
    void sync.refresh()
    expect(inv.calls).toEqual(['list', 'list'])
  })

  it('says once that Docker is unreachable, and once that it answers again', async () => {
    const inv = controlledInventory()
    const { lines, logger } = recordingLogger()
    const sync = createInventorySync(inv.inventory, { logger, clock: { now: () => 0 } })
    const first = sync.refresh()
    inv.pending.at(-1)!.release()
    await first
    for (let i = 0; i < 2; i++) {
      const r = sync.refresh()
      inv.pending.at(-1)!.release(true)
      await r
    }
    expect(sync.reachable()).toBe(false)
    const r = sync.refresh()
    inv.pending.at(-1)!.release()
    await r
    expect(sync.reachable()).toBe(true)
    expect(lines).toEqual(['monitor: Docker is not reachable: connect ECONNREFUSED', 'monitor: Docker answers again'])
  })

  it('makes a read wait for the refresh an event asked for, and looks once more after events that came meanwhile', async () => {
    const inv = controlledInventory()
    const sync = createInventorySync(inv.inventory, { logger: recordingLogger().logger, clock: { now: () => 0 } })
    expect(sync.pending()).toBe(false)
    sync.onEvent('c1') // create
    sync.onEvent('c1') // start, while the first look is under way
    sync.onEvent('c1') // a third: still one more look, not two
    expect(sync.pending()).toBe(true)
    expect(inv.calls).toEqual(['stale:c1', 'one:c1', 'stale:c1', 'stale:c1'])
    let settled = false
    const read = sync.settled().then(() => (settled = true))
    inv.pending[0]!.release()
    await tick()
    // The older answer landed; the read still waits for the look that sees the start.
    expect(settled).toBe(false)
    expect(inv.calls.filter((c) => c === 'one:c1')).toHaveLength(2)
    inv.pending[1]!.release(true) // Docker went away mid-refresh: the read is not failed by it
    await read
    expect(sync.pending()).toBe(false)
  })
})
