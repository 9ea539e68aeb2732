import { AppError } from '../src/errors'

/**
 * How every list reports a stored record it could not read (hand-edited, truncated, written by
 * another version): its full key and why. The good records are answered beside it; the bad one
 * is left in place, never silently dropped or replaced by an empty value.
 */
export interface CorruptRecord {
  key: string
  reason: string
}

/**
 * The same, where one record was asked for: a 500 `corrupt_record` naming the key (the store is
 * broken, not the request), with the reason in `details`.
 */
export class CorruptRecordError extends AppError {
  constructor(
    readonly key: string,
    readonly reason: string,
  ) {
    super(500, 'corrupt_record', `The stored record '${key}' cannot be read; fix or delete it`, [{ key, reason }])
    this.name = 'CorruptRecordError'
  }

  /** As a list reports it. */
  get record(): CorruptRecord {
    return { key: this.key, reason: this.reason }
  }
}

/** The first thing a schema found wrong with a record, as its reason. */
export const firstIssue = (error: { issues: { message: string; path: PropertyKey[] }[] }) => {
  const issue = error.issues[0]
  if (!issue) return 'invalid'
  return issue.path.length ? `${issue.path.map(String).join('.')}: ${issue.message}` : issue.message
}
