import { statfs as fsStatfs } from 'node:fs/promises'
import path from 'node:path'
import { AppError } from '../../errors'
import type { Logger } from '../../logger'
import type { BackupVolume } from '../../schemas/backup'

export interface FreeSpaceDeps {
  /** Docker's `info()`: its `DockerRootDir` is where local volumes live (`<root>/volumes`). */
  info: () => Promise<{ DockerRootDir?: unknown }>
  /** `DOCKER_HOST`: a remote engine's disk is not ours to measure. */
  dockerHost?: string
  statfs?: (path: string) => Promise<{ bavail: number; bsize: number }>
  logger: Logger
}

/** The disk a restore needs: every file's bytes plus a block per file (allocation rounds up). */
export function restoreNeeds(volumes: readonly Pick<BackupVolume, 'files' | 'bytes'>[], blockSize: number): number {
  return volumes.reduce((sum, v) => sum + v.bytes + v.files * blockSize, 0)
}

/**
 * Refuses a restore with 507 `insufficient_storage` when the filesystem holding Docker's volumes
 * has less room than the backup declares — the fresh volumes are filled while the old ones
 * still exist, so a full disk would take the running service down with it. Skipped (with a log
 * line) where the agent cannot see that filesystem: a remote engine, or an agent in a
 * container without Docker's data root mounted.
 */
export async function checkFreeSpace(deps: FreeSpaceDeps, volumes: readonly Pick<BackupVolume, 'files' | 'bytes'>[]): Promise<void> {
  const skip = (reason: string) => deps.logger.info({ msg: 'restore: free space not checked', reason })
  if (deps.dockerHost && !deps.dockerHost.startsWith('unix://')) return skip(`the engine is remote (${deps.dockerHost})`)
  let root: unknown
  try {
    root = (await deps.info()).DockerRootDir
  } catch (err) {
    return skip(`docker info failed: ${(err as Error)?.message ?? err}`)
  }
  if (typeof root !== 'string' || !root.startsWith('/')) return skip('docker info has no DockerRootDir')
  const dir = path.posix.join(root, 'volumes')
  let fs: { bavail: number; bsize: number }
  try {
    // The exact directory: an ancestor would measure the agent's own disk, not Docker's.
    fs = await (deps.statfs ?? fsStatfs)(dir)
  } catch (err) {
    return skip(`${dir} is not visible to the agent (${(err as NodeJS.ErrnoException)?.code ?? err})`)
  }
  const available = fs.bavail * fs.bsize
  const needed = restoreNeeds(volumes, fs.bsize)
  if (needed > available) {
    throw new AppError(
      507,
      'insufficient_storage',
      `Restoring needs about ${needed} bytes where Docker keeps volumes (${dir}), but only ${available} are free; nothing was restored`,
    )
  }
}
