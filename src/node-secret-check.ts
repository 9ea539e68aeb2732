/**
 * The token check on Node (AppDeps.secretCheck and the agent's token), synchronous and without
 * a digest per request. Every character of the given secret is compared (the expected one's
 * taken cyclically) and the differences, the lengths' included, are or-ed together with no
 * early exit: how long it takes depends on the given secret's length alone, which its sender
 * knows already, so the timing tells nothing of the expected secret — not its length, not
 * where a guess first goes wrong. Hashing the given token (node:crypto, then timingSafeEqual)
 * was ~3 % of a read's time under load; Web Crypto's digest also goes through the thread pool
 * and back. A SecretCheck (src/secret-check.ts) that never returns a promise, so a caller need
 * not await it.
 */
export function constantTimeEqual(given: string, expected: string): boolean {
  if (expected.length === 0) return false
  let difference = given.length ^ expected.length
  for (let i = 0; i < given.length; i++) difference |= given.charCodeAt(i) ^ expected.charCodeAt(i % expected.length)
  return difference === 0
}
