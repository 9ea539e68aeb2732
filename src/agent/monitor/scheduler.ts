export interface SchedulerOptions {
  /** Runs one tick for the keys that are due. Ticks never overlap: the next waits for this one. */
  run: (due: string[]) => Promise<void>
  /** Monotonic milliseconds. */
  now?: () => number
  onError?: (err: unknown) => void
}

interface Entry {
  intervalMs: number
  nextAt: number
}

/**
 * One timer for every monitored service, each with its own interval. Services that fall due
 * together are sampled in one tick (one list call, one sweep). A tick that takes longer than an
 * interval delays the next one instead of stacking a second tick on top of it.
 */
export function createScheduler(options: SchedulerOptions) {
  const now = options.now ?? (() => performance.now())
  const entries = new Map<string, Entry>()
  let timer: ReturnType<typeof setTimeout> | undefined
  let running: Promise<void> | null = null
  let started = false

  function arm() {
    if (!started || running) return
    if (timer) clearTimeout(timer)
    timer = undefined
    let next = Infinity
    for (const e of entries.values()) next = Math.min(next, e.nextAt)
    if (next === Infinity) return
    timer = setTimeout(() => void tick(), Math.max(0, next - now()))
    timer.unref?.()
  }

  async function tick() {
    timer = undefined
    const at = now()
    // A few milliseconds early counts as due: timers fire a little late or early.
    const due = [...entries].filter(([, e]) => e.nextAt <= at + 5).map(([key]) => key)
    if (due.length > 0) {
      running = options.run(due).catch((err) => options.onError?.(err))
      await running
      running = null
      const after = now()
      for (const key of due) {
        const e = entries.get(key)
        if (!e) continue
        // Keep the cadence; if the tick overran, run again right away rather than pile up.
        e.nextAt = Math.max(e.nextAt + e.intervalMs, after)
      }
    }
    arm()
  }

  return {
    /** Adds a key (due in `firstInMs`, at once by default) or changes its interval. */
    set(key: string, intervalMs: number, firstInMs = 0) {
      const e = entries.get(key)
      if (!e) entries.set(key, { intervalMs, nextAt: now() + firstInMs })
      else if (e.intervalMs !== intervalMs) {
        e.intervalMs = intervalMs
        e.nextAt = Math.min(e.nextAt, now() + intervalMs)
      }
      arm()
    },
    delete(key: string) {
      entries.delete(key)
      arm()
    },
    has: (key: string) => entries.has(key),
    intervalOf: (key: string) => entries.get(key)?.intervalMs,
    keys: () => [...entries.keys()],
    /** Makes a key due in `delayMs` (sooner than its cadence), e.g. after a docker event. */
    trigger(key: string, delayMs = 0) {
      const e = entries.get(key)
      if (!e) return
      e.nextAt = Math.min(e.nextAt, now() + delayMs)
      arm()
    },
    start() {
      started = true
      arm()
    },
    /** Stops the timer and waits for a tick in progress. */
    async stop() {
      started = false
      if (timer) clearTimeout(timer)
      timer = undefined
      await running
    },
  }
}

export type Scheduler = ReturnType<typeof createScheduler>
