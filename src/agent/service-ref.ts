import { ServiceRef } from '../schemas/service'

/** What a `:containerId` reference is matched against; every caller projects its records to this. */
export interface RefCandidate {
  /** The full container id. */
  id: string
  /** The stable service id (`zapie.id`, else the container name). */
  serviceId: string
  /** The container name, without Docker's leading slash. */
  name: string
  running: boolean
  /** Creation time; any unit, compared only with other candidates'. */
  created: number
}

const PREFIX = /^[0-9a-f]{12,64}$/

/**
 * The one rule for which container a reference names, used by the service routes, the monitor
 * and the test fake alike, so details and health can never pick different containers:
 * 1. the full container id;
 * 2. the stable id or container name; when two containers share it (a restore recreates the
 *    service before the old one is removed) the running one, else the newest, else the greater id;
 * 3. a unique container-id prefix of at least 12 hex characters.
 * Anything else — including a ref that is not a valid ServiceRef — names nothing.
 */
export function resolveServiceRef<T>(
  items: Iterable<T>,
  ref: string,
  candidate: (item: T) => RefCandidate,
): T | undefined {
  if (!ServiceRef.safeParse(ref).success) return undefined
  // One pass, no copies: this runs on every read of one service.
  const byPrefix = PREFIX.test(ref)
  let named: { item: T; c: RefCandidate } | undefined
  let prefixed: T | undefined
  let prefixCount = 0
  for (const item of items) {
    const c = candidate(item)
    if (c.id === ref) return item
    if ((c.serviceId === ref || c.name === ref) && (!named || before(c, named.c))) named = { item, c }
    if (byPrefix && c.id.startsWith(ref)) {
      prefixed = item
      prefixCount++
    }
  }
  if (named) return named.item
  return prefixCount === 1 ? prefixed : undefined
}

/** The container that is the service among several sharing a stable id (rule 2 above). */
export function preferredOf<T>(items: Iterable<T>, candidate: (item: T) => RefCandidate): T | undefined {
  let best: { item: T; c: RefCandidate } | undefined
  for (const item of items) {
    const c = candidate(item)
    if (!best || before(c, best.c)) best = { item, c }
  }
  return best?.item
}

/** Running first, then the newest; the id breaks a tie so the answer never depends on list order. */
function before(a: RefCandidate, b: RefCandidate): boolean {
  if (a.running !== b.running) return a.running
  if (a.created !== b.created) return a.created > b.created
  return a.id > b.id
}
