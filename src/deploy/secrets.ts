import type { Generator } from '../schemas/template'

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

/**
 * Fresh secrets from Web Crypto (Node and Workers alike): `password` is 24 letters and digits
 * (~143 bits, safe in URLs and shells), `hex32` is 32 hex digits (16 bytes, the shape
 * ActivePieces' AP_ENCRYPTION_KEY wants), `uuid` a random UUID.
 */
export function generateSecret(kind: Generator): string {
  if (kind === 'uuid') return crypto.randomUUID()
  if (kind === 'hex32')
    return [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('')
  let out = ''
  while (out.length < 24) {
    for (const byte of crypto.getRandomValues(new Uint8Array(32))) {
      // Rejection sampling: 248 is the largest multiple of 62 below 256, so every character is equally likely.
      if (byte < 248 && out.length < 24) out += ALPHANUMERIC[byte % 62]
    }
  }
  return out
}

/** 8 random hex digits: the suffix that makes container names unique (ARCHITECTURE §3). */
export function randomSuffix(): string {
  return [...crypto.getRandomValues(new Uint8Array(4))].map((b) => b.toString(16).padStart(2, '0')).join('')
}
