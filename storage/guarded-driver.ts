import type { Driver } from 'unstorage'
import { storageError, storageUnavailable } from './storage-errors'

// Every call a store can make through unstorage; watch/dispose/getInstance are not requests.
const CALLS = [
  'hasItem',
  'getItem',
  'getItems',
  'getItemRaw',
  'setItem',
  'setItems',
  'setItemRaw',
  'removeItem',
  'getMeta',
  'getKeys',
  'clear',
] as const

/**
 * The driver with a deadline on every call and its failures mapped to AppErrors: a frozen or
 * stopped store answers 503 within `timeoutMs` instead of holding the request for as long as
 * the client library retries, and a full disk answers 507. A call that times out may still
 * finish later; the caller has been told it did not.
 */
export function guardDriver(driver: Driver, options: { timeoutMs: number }): Driver {
  const guarded: Driver = { ...driver }
  for (const name of CALLS) {
    const call = driver[name] as ((...args: unknown[]) => unknown) | undefined
    if (typeof call !== 'function') continue
    ;(guarded as unknown as Record<string, unknown>)[name] = (...args: unknown[]) =>
      withDeadline(() => call.apply(driver, args), options.timeoutMs)
  }
  return guarded
}

async function withDeadline<T>(run: () => T | Promise<T>, timeoutMs: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(storageUnavailable(`The data store did not answer within ${timeoutMs} ms; try again shortly`)),
      timeoutMs,
    )
  })
  try {
    return await Promise.race([Promise.resolve().then(run), deadline])
  } catch (err) {
    throw storageError(err)
  } finally {
    clearTimeout(timer)
  }
}
