import type { Driver } from 'unstorage'

export interface DriverConfig {
  storage: 'fs' | 'memory' | 'redis'
  dataDir: string
  redisUrl?: string
  /** The deadline of one store call (ms); 2000 unless set. */
  storageTimeoutMs?: number
}

export const DEFAULT_STORAGE_TIMEOUT_MS = 2000

/**
 * The unstorage driver the config names. Imported lazily so a runtime only loads the driver it
 * uses (Workers pass their KV driver to createStores and never reach this). The fs driver needs
 * node:fs, which storage/ may not import: Node builds it in src/node-stores.ts and passes it in.
 */
export async function driverFor(config: DriverConfig): Promise<Driver> {
  switch (config.storage) {
    case 'memory':
      return (await import('unstorage/drivers/memory')).default()
    case 'redis': {
      const timeoutMs = config.storageTimeoutMs ?? DEFAULT_STORAGE_TIMEOUT_MS
      return (await import('unstorage/drivers/redis')).default({
        url: config.redisUrl,
        base: 'zapie',
        // A frozen or stopped Redis must fail a request quickly, not after ioredis's 20 retries;
        // reconnecting goes on in the background, so the service recovers without a restart.
        maxRetriesPerRequest: 1,
        commandTimeout: timeoutMs,
        connectTimeout: timeoutMs,
        retryStrategy: (times: number) => Math.min(times * 100, 1000),
      })
    }
    case 'fs':
      throw new Error(
        'The fs store is built on Node by createNodeStores (src/node-stores.ts), which passes its driver in',
      )
  }
}
