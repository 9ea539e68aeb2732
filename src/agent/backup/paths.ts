import { randomBytes } from 'node:crypto'
import { open } from 'node:fs/promises'
import path from 'node:path'
import { isSafeId } from '../../../storage/keys'
import { ensurePrivateDir } from '../../private-fs'
import { AppError } from '../../errors'
import { BackupId } from '../../schemas/backup'

/** `bk_<base36 ms>_<8 hex>`: sortable by time, unguessable enough to never collide. */
export function newBackupId(now: number): string {
  return `bk_${now.toString(36)}_${randomBytes(4).toString('hex')}`
}

export const isBackupId = (id: string) => BackupId.safeParse(id).success

/**
 * The backup directory's layout. Every path is built here from validated ids and checked to
 * resolve inside the directory, so no id (`..%2F..%2Fsrc`) can ever name a file outside it:
 *
 *   <root>/<serviceId>/<backupId>.tar.gz    finished archives
 *   <root>/<serviceId>/<backupId>.partial   archives being written (removed on failure or at start)
 *   <root>/.intents/<backupId>.json         "service paused/stopped/swapped by <backupId>" markers
 */
export class BackupPaths {
  readonly root: string

  constructor(root: string) {
    this.root = path.resolve(root)
  }

  serviceDir(serviceId: string): string {
    if (!isSafeId(serviceId)) throw new AppError(400, 'invalid_input', 'Invalid service id for a backup path')
    return this.inside(serviceId)
  }

  archive(serviceId: string, backupId: string): string {
    return this.inside(path.basename(this.serviceDir(serviceId)), `${checkedId(backupId)}.tar.gz`)
  }

  partial(serviceId: string, backupId: string): string {
    return this.inside(path.basename(this.serviceDir(serviceId)), `${checkedId(backupId)}.partial`)
  }

  get intentsDir(): string {
    return this.inside('.intents')
  }

  intent(backupId: string): string {
    return this.inside('.intents', `${checkedId(backupId)}.json`)
  }

  /** Resolves `segments` under the root and refuses anything that lands outside it. */
  inside(...segments: string[]): string {
    const resolved = path.resolve(this.root, ...segments)
    if (!resolved.startsWith(this.root + path.sep)) {
      throw new AppError(400, 'invalid_input', 'Path escapes the backup directory')
    }
    return resolved
  }
}

function checkedId(backupId: string): string {
  if (!isBackupId(backupId)) throw new AppError(400, 'invalid_input', 'Invalid backup id')
  return backupId
}

/** Makes a directory (and parents) that only the agent's user may read, an existing one too. */
export async function ensureDir(dir: string): Promise<void> {
  await ensurePrivateDir(dir)
}

/** Flushes a directory entry (a rename or unlink) to disk. */
export async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}
