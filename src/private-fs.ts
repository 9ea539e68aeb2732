import { chmod, mkdir, readdir } from 'node:fs/promises'
import { join } from 'node:path'

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
