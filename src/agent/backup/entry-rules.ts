import type { Header } from 'tar-stream'
import { AppError } from '../../errors'

/** 422 naming the entry: an archive that would restore something it must not; nothing was touched. */
export const unsafeArchive = (message: string) =>
  new AppError(422, 'unsafe_backup_archive', `${message}; nothing was restored`)

/** What an archive from elsewhere may hold: no device nodes, fifos or other special files. */
const PLAIN_TYPES = new Set<string>(['file', 'contiguous-file', 'directory', 'symlink', 'link'])

/**
 * Per-entry rules a restore enforces on top of the archive's structure:
 *  - in archives from elsewhere (`untrusted`: uploads, adopted files), only plain entries — a
 *    device node restored into a volume is a raw disk any host user could open under
 *    /var/lib/docker/volumes;
 *  - in every archive, no entry (and no hard-link target) below a path that is a symlink in the
 *    same archive: Docker would write it wherever the link points, or drop it while the restore
 *    reports success. Archives we make never hold one (Docker reads real trees).
 */
export class EntryRules {
  private readonly symlinks = new Map<number, Set<string>>()

  constructor(private readonly untrusted: boolean) {}

  check(index: number, relative: string, header: Header, linkTarget?: string): void {
    const type = header.type ?? 'file'
    if (this.untrusted && !PLAIN_TYPES.has(type)) {
      throw unsafeArchive(
        `Entry ${header.name} is a ${type}: device nodes, fifos and other special files are not restored from uploaded archives`,
      )
    }
    const links = this.symlinks.get(index)
    for (const path of linkTarget === undefined ? [relative] : [relative, linkTarget]) {
      const through = links && symlinkAncestor(path, links)
      if (through !== undefined)
        throw unsafeArchive(`Entry ${header.name} lies below ${through}, a symlink in the same archive`)
    }
    if (type === 'symlink') {
      if (!links) this.symlinks.set(index, new Set([relative]))
      else links.add(relative)
    }
  }
}

/** The first proper ancestor of `path` that is in `links`, if any. */
function symlinkAncestor(path: string, links: Set<string>): string | undefined {
  for (let at = path.indexOf('/'); at !== -1; at = path.indexOf('/', at + 1)) {
    const ancestor = path.slice(0, at)
    if (links.has(ancestor)) return ancestor
  }
  return undefined
}

/**
 * The permission bits a restore writes: never setuid or setgid on a file (a setuid-root binary
 * in a volume is a root shell for whoever can run it). A directory keeps setgid — it only makes
 * new files inherit the directory's group, which shared data directories rely on.
 */
export function restoredMode(header: Header): number {
  const mode = (header.mode ?? 0o644) & 0o7777
  return header.type === 'directory' ? mode & ~0o4000 : mode & ~0o6000
}
