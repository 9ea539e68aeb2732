/**
 * A stored record that cannot be read back (hand-edited, truncated, written by another version).
 * Callers report it and leave it in place: it is never silently replaced by an empty value.
 */
export class CorruptRecordError extends Error {
  constructor(
    readonly store: string,
    readonly key: string,
    reason: string,
  ) {
    super(`Corrupt record '${key}' in the ${store} store: ${reason}`)
    this.name = 'CorruptRecordError'
  }
}
