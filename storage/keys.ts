/**
 * Store keys are built here and only here, from validated ids (ARCHITECTURE §7): unstorage turns
 * `/` into `:` and drops everything after `?`, so raw input must never reach it.
 */
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/

export class InvalidKeyError extends Error {
  constructor(id: string) {
    super(`Invalid id for a storage key: ${JSON.stringify(id.slice(0, 40))}`)
    this.name = 'InvalidKeyError'
  }
}

export function isSafeId(id: string): boolean {
  return SAFE_ID.test(id) && !id.includes('..')
}

export function keyFor(id: string): string {
  if (!isSafeId(id)) throw new InvalidKeyError(id)
  return id
}
