import * as crypto from 'node:crypto'

// crypto.hash (Node 20.12+) digests in one call, without a Hash object per request.
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'buffer') => Buffer }).hash
const sha256 = oneShot
  ? (secret: string) => oneShot('sha256', secret, 'buffer')
  : (secret: string) => crypto.createHash('sha256').update(secret).digest()

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
    return crypto.timingSafeEqual(sha256(given), cached.digest)
  }
}
