import { createStores, type Stores } from '../storage'
import type { DriverConfig } from '../storage/driver'
import { ensurePrivateDir, makeTreePrivate } from './private-fs'
import { atomicFsDriver } from './storage-fs-atomic'

/**
 * The stores on Node: as createStores, with the fs store writing atomically under
 * `<dataDir>/store`. The data directory and the store are made private (0700/0600) before the
 * first read, which also tightens what an earlier version or a loose umask left readable.
 */
export async function createNodeStores(config: DriverConfig): Promise<Stores> {
  if (config.storage !== 'fs') return createStores(config)
  const base = `${config.dataDir}/store`
  await ensurePrivateDir(config.dataDir)
  await makeTreePrivate(base)
  return createStores(config, { driver: atomicFsDriver({ base }) })
}
