import { createHash, timingSafeEqual } from 'node:crypto'

const sha256 = (secret: string) => createHash('sha256').update(secret).digest()

/**
 * The token check on Node: SHA-256 of both sides (so neither length nor the first difference
 * shows in the timing) compared with timingSafeEqual, synchronously. Web Crypto's digest goes
 * through the thread pool and back per request (~12 % of busy time under load); this is a
 * few microseconds on the event loop. The expected digest is taken once per value. A
 * SecretCheck (src/secret-check.ts) that never returns a promise, so a caller need not await it.
 */
export function nodeSecretCheck(): (given: string, expected: string) => boolean {
  let cached: { secret: string; digest: Buffer } | undefined
  return (given, expected) => {
    if (cached?.secret !== expected) cached = { secret: expected, digest: sha256(expected) }
    return timingSafeEqual(sha256(given), cached.digest)
  }
}
