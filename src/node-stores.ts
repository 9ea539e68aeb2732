import { createStores, type Stores } from '../storage'
import type { DriverConfig } from '../storage/driver'
import { atomicFsDriver } from './storage-fs-atomic'

/** The stores on Node: as createStores, with the fs store writing atomically under `<dataDir>/store`. */
export function createNodeStores(config: DriverConfig): Promise<Stores> {
  if (config.storage !== 'fs') return createStores(config)
  return createStores(config, { driver: atomicFsDriver({ base: `${config.dataDir}/store` }) })
}
