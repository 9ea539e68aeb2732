import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createScheduler } from '../../src/agent/monitor/scheduler'

beforeEach(() => vi.useFakeTimers({ now: 0 }))
afterEach(() => vi.useRealTimers())

function recorder(workMs = 0) {
  const runs: { at: number; due: string[] }[] = []
  let active = 0
  let maxActive = 0
  const run = async (due: string[]) => {
    active += 1
    maxActive = Math.max(maxActive, active)
    runs.push({ at: Date.now(), due: [...due].sort() })
    if (workMs) await new Promise((r) => setTimeout(r, workMs))
    active -= 1
  }
  return { runs, run, maxActive: () => maxActive }
}

describe('monitor scheduler', () => {
  it('runs each key on its own interval, keys falling due together in one tick', async () => {
    const r = recorder()
    const s = createScheduler({ run: r.run, now: () => Date.now() })
    s.set('a', 1000)
    s.set('b', 2000)
    s.start()
    await vi.advanceTimersByTimeAsync(4000)
    expect(r.runs).toEqual([
      { at: 0, due: ['a', 'b'] },
      { at: 1000, due: ['a'] },
      { at: 2000, due: ['a', 'b'] },
      { at: 3000, due: ['a'] },
      { at: 4000, due: ['a', 'b'] },
    ])
    await s.stop()
  })

  it('never overlaps ticks: a slow tick delays the next instead of stacking', async () => {
    const r = recorder(2500)
    const s = createScheduler({ run: r.run, now: () => Date.now() })
    s.set('a', 1000)
    s.start()
    await vi.advanceTimersByTimeAsync(10_000)
    expect(r.maxActive()).toBe(1)
    // Each tick starts right after the previous one ended (a zero timeout fires after 1 ms).
    const gaps = r.runs.slice(1).map((x, i) => x.at - r.runs[i]!.at)
    expect(gaps.length).toBe(3)
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(2500)
    for (const gap of gaps) expect(gap).toBeLessThanOrEqual(2502)
    const stopping = s.stop()
    await vi.advanceTimersByTimeAsync(3000)
    await stopping
  })

  it('changes an interval, removes keys, and runs a key once early on trigger without moving its cadence', async () => {
    const r = recorder()
    const s = createScheduler({ run: r.run, now: () => Date.now() })
    s.set('a', 10_000)
    s.set('b', 10_000, 10_000)
    s.start()
    await vi.advanceTimersByTimeAsync(0)
    s.set('a', 3000)
    s.trigger('b', 500)
    await vi.advanceTimersByTimeAsync(3000)
    s.delete('a')
    await vi.advanceTimersByTimeAsync(10_000)
    expect(r.runs).toEqual([
      { at: 0, due: ['a'] },
      { at: 500, due: ['b'] },
      { at: 3000, due: ['a'] },
      { at: 10_000, due: ['b'] },
    ])
    await s.stop()
  })

  it("a key added during a tick keeps that tick's cadence, so both share later ticks", async () => {
    const runs: { at: number; due: string[] }[] = []
    const s = createScheduler({
      now: () => Date.now(),
      run: async (due) => {
        runs.push({ at: Date.now(), due: [...due].sort() })
        // Like the monitor: the container list takes a while, then new services are added.
        await new Promise((r) => setTimeout(r, 40))
        if (!s.has('svc')) s.set('svc', 1000, 1000)
      },
    })
    s.set('inventory', 1000)
    s.start()
    await vi.advanceTimersByTimeAsync(3100)
    expect(runs.map((r) => r.due)).toEqual([
      ['inventory'],
      ['inventory', 'svc'],
      ['inventory', 'svc'],
      ['inventory', 'svc'],
    ])
    const stopping = s.stop()
    await vi.advanceTimersByTimeAsync(100)
    await stopping
  })

  it('stop waits for the tick in progress and runs nothing after', async () => {
    const r = recorder(1000)
    const s = createScheduler({ run: r.run, now: () => Date.now() })
    s.set('a', 100)
    s.start()
    await vi.advanceTimersByTimeAsync(10)
    let stopped = false
    const stopping = s.stop().then(() => (stopped = true))
    await vi.advanceTimersByTimeAsync(500)
    expect(stopped).toBe(false)
    await vi.advanceTimersByTimeAsync(600)
    await stopping
    await vi.advanceTimersByTimeAsync(5000)
    expect(r.runs).toHaveLength(1)
  })

  it('keeps ticking after a failed tick', async () => {
    const errors: unknown[] = []
    let n = 0
    const s = createScheduler({
      run: async () => {
        n += 1
        if (n === 1) throw new Error('boom')
      },
      now: () => Date.now(),
      onError: (e) => errors.push(e),
    })
    s.set('a', 1000)
    s.start()
    await vi.advanceTimersByTimeAsync(2000)
    expect(n).toBe(3)
    expect(errors).toHaveLength(1)
    await s.stop()
  })
})
