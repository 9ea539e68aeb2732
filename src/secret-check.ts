/**
 * Compares the given secret with the expected one in constant time. Injected per runtime
 * (AppDeps.secretCheck): Node compares synchronously in constant time without a digest
 * (src/node-secret-check.ts), far cheaper than a Web Crypto digest and its thread-pool round trip
 * per request.
 */
export type SecretCheck = (given: string, expected: string) => boolean | Promise<boolean>
