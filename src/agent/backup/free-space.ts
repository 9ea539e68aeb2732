import { statfs as fsStatfs } from 'node:fs/promises'
import path from 'node:path'
import type Docker from 'dockerode'
import { AppError } from '../../errors'
import type { Logger } from '../../logger'
import type { BackupVolume } from '../../schemas/backup'

/** Room a backup needs beyond its archive: tar headers, the manifest, the intent marker. */
export const BACKUP_HEADROOM = 1024 * 1024

/** How long the first-backup size estimate may take before the check goes without it. */
const DF_TIMEOUT_MS = 3000

/** The code and status the store uses for a full disk too (507 Insufficient Storage). */
export const insufficientStorage = (message: string) => new AppError(507, 'insufficient_storage', message)

/** A write refused because the file system (or the user's quota) is full. */
export function isDiskFull(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code
  return code === 'ENOSPC' || code === 'EDQUOT'
}

/** Bytes an unprivileged writer may still use under `dir`; null when the file system will not say. */
export async function freeBytes(dir: string): Promise<number | null> {
  try {
    const s = await fsStatfs(dir)
    return s.bavail * s.bsize
  } catch {
    return null
  }
}

/**
 * What the volumes hold, as Docker's disk-usage report counts it (`local` driver volumes only;
 * -1 or absent means unknown). Null when any of them is unknown or Docker is slow to answer:
 * the check then falls back to the headroom alone rather than delaying the backup.
 */
export async function volumesSize(docker: Docker, names: readonly string[]): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined
  try {
    const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), DF_TIMEOUT_MS)))
    const df = (await Promise.race([docker.df(), timeout])) as {
      Volumes?: { Name: string; UsageData?: { Size?: number } }[]
    } | null
    if (!df) return null
    let total = 0
    for (const name of names) {
      const size = df.Volumes?.find((v) => v.Name === name)?.UsageData?.Size
      if (size === undefined || size < 0) return null
      total += size
    }
    return total
  } catch {
    return null
  } finally {
    clearTimeout(timer)
  }
}

const mib = (bytes: number) => `${(bytes / (1024 * 1024)).toFixed(1)} MiB`

/**
 * Refuses (507) a job that will not fit, before it touches the service: `estimate` is what it
 * is expected to write (null: unknown, so only the headroom is required).
 */
export async function ensureFreeSpace(dir: string, estimate: number | null, what: string): Promise<void> {
  const free = await freeBytes(dir)
  if (free === null) return
  const needed = (estimate ?? 0) + BACKUP_HEADROOM
  if (free >= needed) return
  throw insufficientStorage(
    `Not enough free space for ${what} in the backup directory: ${mib(free)} free, about ${mib(needed)} needed` +
      (estimate === null ? '' : ' (estimated from the last backup or the size of the volumes)') +
      '; free some space or delete old backups',
  )
}

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
export async function checkFreeSpace(
  deps: FreeSpaceDeps,
  volumes: readonly Pick<BackupVolume, 'files' | 'bytes'>[],
): Promise<void> {
  const skip = (reason: string) => deps.logger.info({ msg: 'restore: free space not checked', reason })
  if (deps.dockerHost && !deps.dockerHost.startsWith('unix://'))
    return skip(`the engine is remote (${deps.dockerHost})`)
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
    throw insufficientStorage(
      `Restoring needs about ${needed} bytes where Docker keeps volumes (${dir}), but only ${available} are free; nothing was restored`,
    )
  }
}
