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
  /** An extra run asked for by trigger(); it leaves the cadence alone. */
  extraAt?: number
}

/** Keys due within this much of each other run in the same tick. */
const SLACK_MS = 25

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
  /** When the running tick started: keys added during a tick keep its cadence. */
  let tickAt: number | null = null
  let started = false

  function arm() {
    if (!started || running) return
    if (timer) clearTimeout(timer)
    timer = undefined
    let next = Infinity
    for (const e of entries.values()) next = Math.min(next, e.nextAt, e.extraAt ?? Infinity)
    if (next === Infinity) return
    timer = setTimeout(() => void tick(), Math.max(0, next - now()))
    timer.unref?.()
  }

  async function tick() {
    timer = undefined
    const at = now()
    // Slightly early counts as due: timers fire a little late or early, and keys that fall due
    // together should share one tick (one container list, one sweep).
    const onCadence = new Set([...entries].filter(([, e]) => e.nextAt <= at + SLACK_MS).map(([key]) => key))
    const due = [...entries]
      .filter(([key, e]) => onCadence.has(key) || (e.extraAt ?? Infinity) <= at + SLACK_MS)
      .map(([key]) => key)
    if (due.length > 0) {
      tickAt = at
      running = options.run(due).catch((err) => options.onError?.(err))
      await running
      running = null
      tickAt = null
      const after = now()
      for (const key of due) {
        const e = entries.get(key)
        if (!e) continue
        e.extraAt = undefined
        // Keep the cadence; if the tick overran, run again right away rather than pile up.
        if (onCadence.has(key)) e.nextAt = Math.max(e.nextAt + e.intervalMs, after)
      }
    }
    arm()
  }

  return {
    /** Adds a key (due in `firstInMs`, at once by default) or changes its interval. */
    set(key: string, intervalMs: number, firstInMs = 0) {
      const e = entries.get(key)
      if (!e) entries.set(key, { intervalMs, nextAt: (tickAt ?? now()) + firstInMs })
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
    /** Runs a key once in `delayMs` (e.g. after a docker event), without moving its cadence. */
    trigger(key: string, delayMs = 0) {
      const e = entries.get(key)
      if (!e) return
      e.extraAt = Math.min(e.extraAt ?? Infinity, now() + delayMs)
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
