import type { Driver } from 'unstorage'

export interface DriverConfig {
  storage: 'fs' | 'memory' | 'redis'
  dataDir: string
  redisUrl?: string
}

/**
 * The unstorage driver the config names. Imported lazily so a runtime only loads the driver it
 * uses (Workers pass their KV driver to createStores and never reach this).
 */
export async function driverFor(config: DriverConfig): Promise<Driver> {
  switch (config.storage) {
    case 'memory':
      return (await import('unstorage/drivers/memory')).default()
    case 'redis':
      return (await import('unstorage/drivers/redis')).default({ url: config.redisUrl, base: 'zapie' })
    case 'fs':
      return (await import('unstorage/drivers/fs-lite')).default({ base: `${config.dataDir}/store` })
  }
}
