/**
 * Exponential backoff for reconnect loops: the first retry comes quickly, then each one waits
 * twice as long up to `maxMs`, so an engine that stays away is asked about twice a minute, not
 * every second. `reset()` after a connection that worked.
 */
export function createBackoff(options: { initialMs: number; maxMs: number }) {
  let delay = options.initialMs
  return {
    next(): number {
      const current = delay
      delay = Math.min(delay * 2, options.maxMs)
      return current
    },
    reset() {
      delay = options.initialMs
    },
  }
}
