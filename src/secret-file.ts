import { randomBytes } from 'node:crypto'
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'

/**
 * The token from the environment, or the one stored at `path`, or a new one stored there
 * (mode 0600) and returned with `created: true` so the caller prints it exactly once.
 */
export function loadOrCreateSecret(path: string, fromEnv: string | undefined): { value: string; created: boolean } {
  if (fromEnv) return { value: fromEnv, created: false }
  try {
    const stored = readFileSync(path, 'utf8').trim()
    if (stored.length >= 16) return { value: stored, created: false }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
  // An existing data directory keeps its mode through mkdir: it holds the store, so tighten it.
  chmodSync(dirname(path), 0o700)
  const value = randomBytes(32).toString('base64url')
  writeFileSync(path, `${value}\n`, { mode: 0o600, flag: 'w' })
  chmodSync(path, 0o600)
  return { value, created: true }
}
