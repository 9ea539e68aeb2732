/**
 * Compares the given secret with the expected one in constant time. Injected per runtime
 * (AppDeps.secretCheck): Node hashes synchronously with node:crypto (src/node-secret-check.ts),
 * which is far cheaper than a Web Crypto digest and its thread-pool round trip per request.
 */
export type SecretCheck = (given: string, expected: string) => boolean | Promise<boolean>
