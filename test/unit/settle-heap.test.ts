import { afterEach, describe, expect, it, vi } from 'vitest'
import { settleHeapSoon } from '../../src/settle-heap'

const g = globalThis as { gc?: () => void }
const original = g.gc
afterEach(() => {
  g.gc = original
  vi.useRealTimers()
})

describe('settleHeapSoon', () => {
  it('runs one full collection shortly after start-up when node has --expose-gc', () => {
    vi.useFakeTimers()
    const gc = vi.fn()
    g.gc = gc
    settleHeapSoon(500)
    vi.advanceTimersByTime(499)
    expect(gc).not.toHaveBeenCalled()
    vi.advanceTimersByTime(1)
    expect(gc).toHaveBeenCalledTimes(1)
    // No options: the object form asks V8 11 for a scavenge only.
    expect(gc.mock.calls[0]).toEqual([])
    vi.advanceTimersByTime(60_000)
    expect(gc).toHaveBeenCalledTimes(1)
  })

  it('does nothing without --expose-gc (tests, tsx, dev)', () => {
    vi.useFakeTimers()
    g.gc = undefined
    settleHeapSoon(500)
    expect(vi.getTimerCount()).toBe(0)
  })
})
