import { Readable } from 'node:stream'
import type Docker from 'dockerode'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { watchDockerEvents } from '../../src/agent/docker-events'
import { createEventHub } from '../../src/events/hub'
import { createLogger } from '../../src/logger'

/** A Docker whose event endpoint fails while `down` is true and otherwise streams until ended. */
function flakyDocker() {
  const state = { down: true, attempts: [] as number[], open: undefined as Readable | undefined }
  const docker = {
    getEvents: async () => {
      state.attempts.push(Date.now())
      if (state.down) throw new Error('connect ENOENT /var/run/docker.sock')
      state.open = new Readable({ read() {} })
      return state.open
    },
  } as unknown as Docker
  return { docker, state }
}

afterEach(() => vi.useRealTimers())

describe('the Docker events watcher while the engine is unreachable', () => {
  it('backs off to about 30 s between tries and logs one line when lost and one when restored', async () => {
    vi.useFakeTimers()
    const { docker, state } = flakyDocker()
    const lines: string[] = []
    const watcher = watchDockerEvents(
      docker,
      createEventHub(),
      createLogger('debug', (l) => lines.push(l)),
    )
    // Five minutes without an engine.
    await vi.advanceTimersByTimeAsync(5 * 60_000)
    const gaps = state.attempts.slice(1).map((t, i) => t - state.attempts[i]!)
    expect(gaps.slice(0, 5)).toEqual([1000, 2000, 4000, 8000, 16_000])
    expect(Math.max(...gaps)).toBe(30_000)
    // 1+2+4+8+16 s, then every 30 s: 14 tries in five minutes, not 300.
    expect(state.attempts.length).toBeLessThanOrEqual(15)
    expect(lines.filter((l) => l.includes('docker events'))).toHaveLength(1)

    state.down = false
    await vi.advanceTimersByTimeAsync(30_000)
    expect(state.open).toBeDefined()
    const restored = lines.filter((l) => l.includes('docker events stream restored'))
    expect(restored).toHaveLength(1)
    expect(JSON.parse(restored[0]!).attempts).toBeGreaterThan(10)

    // A connection that worked starts the next outage at a quick first retry again.
    state.down = true
    const before = state.attempts.length
    state.open!.push(null)
    await vi.advanceTimersByTimeAsync(1000)
    expect(state.attempts.length).toBe(before + 1)
    expect(lines.filter((l) => l.includes('stream lost'))).toHaveLength(2)
    watcher.stop()
  })
})
