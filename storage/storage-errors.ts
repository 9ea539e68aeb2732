import { AppError } from '../src/errors'

export const insufficientStorage = () =>
  new AppError(
    507,
    'insufficient_storage',
    'The data store is full, so the change was not saved; the previous version is kept. Free space on the data volume and try again',
  )

export const storageUnavailable = (message = 'The data store is not reachable; try again shortly') =>
  new AppError(503, 'storage_unavailable', message)

// Filesystem and socket errors that mean "the store is not there right now" rather than a bug.
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EIO',
])
// A store that refuses writes for good is a setup problem for the operator, not a retry.
const REFUSED_CODES = new Set(['EACCES', 'EPERM', 'EROFS'])
// ioredis reports a closed or unusable connection through messages, not codes.
const UNAVAILABLE_MESSAGES = [
  /connection is closed/i,
  /stream isn't writeable/i,
  /command timed out/i,
  /reached the max retries/i,
  /connect etimedout/i,
]

/**
 * The AppError a driver failure means for the caller: 507 for a full disk or quota, 503 for a
 * store that is gone or frozen, 500 storage_error for one that refuses writes. Anything else (a
 * bug, a bad key) is returned unchanged so that the error handler logs it with its stack.
 */
export function storageError(err: unknown): unknown {
  if (err instanceof AppError) return err
  const e = err as { code?: unknown; name?: unknown; message?: unknown } | null
  const code = typeof e?.code === 'string' ? e.code : ''
  if (code === 'ENOSPC' || code === 'EDQUOT') return insufficientStorage()
  if (REFUSED_CODES.has(code))
    return new AppError(
      500,
      'storage_error',
      `The data store refused the operation (${code}); check the data directory's permissions and mount`,
    )
  if (UNAVAILABLE_CODES.has(code))
    return storageUnavailable(`The data store is not reachable (${code}); try again shortly`)
  const message = typeof e?.message === 'string' ? e.message : ''
  if (e?.name === 'MaxRetriesPerRequestError' || UNAVAILABLE_MESSAGES.some((m) => m.test(message)))
    return storageUnavailable()
  return err
}
