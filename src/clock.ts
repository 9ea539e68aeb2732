/** Time as the app and the agent read it; tests inject a fake. A leaf: both halves import it. */
export interface Clock {
  now(): number
}

export const systemClock: Clock = { now: () => Date.now() }
