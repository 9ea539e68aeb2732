import { chmod, mkdir, readdir, writeFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import type { Driver } from 'unstorage'
import fsLiteDriver from 'unstorage/drivers/fs-lite'
import { createStores, type Stores } from '../storage'
import type { DriverConfig } from '../storage/driver'

/**
 * The store holds the webhook URL with its secret, live SSE tickets and deploy records: only the
 * service's own user may read it, whatever the umask (mkdir's and open's modes are masked by it,
 * so every mode is also set explicitly).
 */
export const PRIVATE_DIR_MODE = 0o700
export const PRIVATE_FILE_MODE = 0o600

/** Makes `path` (and missing parents) a directory only its owner can enter. */
export async function ensurePrivateDir(path: string): Promise<void> {
  await mkdir(path, { recursive: true, mode: PRIVATE_DIR_MODE })
  await chmod(path, PRIVATE_DIR_MODE)
}

/** Tightens a tree an earlier version (or a umask) left readable: directories 0700, files 0600. */
export async function makeTreePrivate(root: string): Promise<void> {
  await ensurePrivateDir(root)
  for (const entry of await readdir(root, { withFileTypes: true })) {
    const path = join(root, entry.name)
    // Links are left alone: chmod would follow them out of the tree.
    if (entry.isDirectory()) await makeTreePrivate(path)
    else if (entry.isFile()) await chmod(path, PRIVATE_FILE_MODE)
  }
}

/** Writes a file readable by its owner only, in a private directory. */
export async function writePrivateFile(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: PRIVATE_DIR_MODE })
  await writeFile(path, data, { mode: PRIVATE_FILE_MODE })
  await chmod(path, PRIVATE_FILE_MODE)
}

/**
 * unstorage's fs-lite driver under `<dataDir>/store`, with the data directory and the store made
 * private at start and every record written 0600. Reads, keys and removal are fs-lite's own.
 */
export async function createPrivateFsDriver(dataDir: string): Promise<Driver> {
  const base = join(dataDir, 'store')
  await ensurePrivateDir(dataDir)
  await makeTreePrivate(base)
  const driver = fsLiteDriver({ base })
  // fs-lite maps `a:b` to `<base>/a/b` and refuses `..` segments; the same check runs first.
  const fileOf = (key: string) => {
    if (/\.\.:|\.\.$/.test(key)) throw new Error(`Invalid key: ${JSON.stringify(key)}`)
    return join(resolve(base), key.replace(/:/g, '/'))
  }
  return {
    ...driver,
    setItem: (key, value) => writePrivateFile(fileOf(key), value),
    setItemRaw: (key, value) => writePrivateFile(fileOf(key), value as Uint8Array),
  }
}

/**
 * The stores of a Node process (API or agent). With the fs driver, the data directory and the
 * store are made private before the first read, and records are written 0600.
 */
export async function createPrivateStores(config: DriverConfig): Promise<Stores> {
  if (config.storage !== 'fs') return createStores(config)
  return createStores(config, { driver: await createPrivateFsDriver(config.dataDir) })
}
