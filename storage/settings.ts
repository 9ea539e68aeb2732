import type { Storage } from 'unstorage'
import { keyFor } from './keys'

/** Small JSON documents keyed by a validated id: monitor settings, schedules, preferences. */
export interface SettingsStore {
  get<T>(id: string): Promise<T | null>
  /** Records only: unstorage would parse a bare JSON-looking string back into something else. */
  set<T extends object>(id: string, value: T): Promise<void>
  remove(id: string): Promise<void>
  keys(): Promise<string[]>
}

export function createSettingsStore(storage: Storage): SettingsStore {
  return {
    get: async <T>(id: string) => (await storage.getItem<T>(keyFor(id))) ?? null,
    set: (id, value) => storage.setItem(keyFor(id), value as never),
    remove: (id) => storage.removeItem(keyFor(id)),
    keys: () => storage.getKeys(),
  }
}
