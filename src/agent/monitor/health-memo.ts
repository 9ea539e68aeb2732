import type { ServiceHealth } from '../../schemas/monitoring'
import { sameJson } from '../../same-json'
import type { LatestSample } from './health'
import type { InventoryEntry } from './inventory'

/** What a service's health is made of besides its inventory entry. */
export interface HealthInputs {
  sample: LatestSample | undefined
  /** The service's own monitor settings; undefined while it has the defaults. */
  settings: object | undefined
  dockerReachable: boolean
  now: number
}

interface Kept {
  state: string
  name: string
  facts: InventoryEntry['facts']
  sample: LatestSample | undefined
  settings: object | undefined
  dockerReachable: boolean
  second: number
  health: ServiceHealth
}

/**
 * A service's health, built again only when something it is made of changed: its entry's state,
 * name or facts, its latest sample, its settings, Docker's reachability, or the wall-clock
 * second (uptime counts seconds; it may be up to a second behind). Samples, facts and settings
 * are replaced, never changed in place, so they compare by identity. A rebuilt health that
 * says the same is the previous object, so the overview can keep its serialised text.
 * Building every service's health on every read was most of a health overview's cost.
 */
export function createHealthMemo(build: (entry: InventoryEntry, inputs: HealthInputs) => ServiceHealth) {
  const kept = new WeakMap<InventoryEntry, Kept>()
  return (entry: InventoryEntry, inputs: HealthInputs): ServiceHealth => {
    const second = Math.floor(inputs.now / 1000)
    const last = kept.get(entry)
    const same =
      last !== undefined &&
      last.state === entry.state &&
      last.name === entry.name &&
      last.facts === entry.facts &&
      last.sample === inputs.sample &&
      last.settings === inputs.settings &&
      last.dockerReachable === inputs.dockerReachable
    if (same && last.second === second) return last.health
    const built = build(entry, inputs)
    const health = last !== undefined && sameJson(built, last.health) ? last.health : built
    kept.set(entry, {
      state: entry.state,
      name: entry.name,
      facts: entry.facts,
      sample: inputs.sample,
      settings: inputs.settings,
      dockerReachable: inputs.dockerReachable,
      second,
      health,
    })
    return health
  }
}
