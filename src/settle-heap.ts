type Gc = (options?: { type?: 'major' | 'minor'; execution?: 'sync' | 'async' }) => void

/** Long enough for the work that start-up leaves queued (first resync, seeding) to finish. */
export const SETTLE_DELAY_MS = 500

/**
 * One full garbage collection just after start-up, when node runs with --expose-gc (as
 * `npm start` and `npm run agent` do). Start-up leaves behind the garbage of building the app and
 * reading its files, and an idle server allocates too little for V8 ever to run a full collection
 * on its own, so that memory stays resident: measured, the idle process kept ~8 MiB more of
 * malloc'd memory without this one collection (~20 ms, once). Without the flag (tests, tsx, dev)
 * it does nothing.
 */
export function settleHeapSoon(delayMs = SETTLE_DELAY_MS): void {
  const gc = (globalThis as { gc?: Gc }).gc
  if (typeof gc !== 'function') return
  setTimeout(() => gc({ type: 'major', execution: 'sync' }), delayMs).unref()
}
