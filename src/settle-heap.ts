/** Long enough for the work that start-up leaves queued (first resync, seeding) to finish. */
export const SETTLE_DELAY_MS = 500

/**
 * One full garbage collection just after start-up, when node runs with --expose-gc (as
 * `npm start` and `npm run agent` do). Start-up leaves behind the garbage of building the app and
 * reading its files, and an idle server allocates too little for V8 to collect all of it soon:
 * measured on the bundle, the idle process kept ~8 MiB more of malloc'd memory without this one
 * collection (10-30 ms, once). Without the flag (tests, tsx, dev) it does nothing.
 */
export function settleHeapSoon(delayMs = SETTLE_DELAY_MS): void {
  const gc = (globalThis as { gc?: () => void }).gc
  if (typeof gc !== 'function') return
  // gc() without options: on Node 20 (V8 11.3) gc({ type: 'major', execution: 'sync' }) runs
  // only a scavenge (seen with --trace-gc).
  setTimeout(() => gc(), delayMs).unref()
}
