import type { Header } from 'tar-stream'

/**
 * How entries are named inside our archives: volume `i` lives under `volumes/<i>/` (the entry
 * `volumes/<i>/` itself carries the volume root's mode and owner), and `manifest.json` comes last.
 */
export const MANIFEST_NAME = 'manifest.json'

export const volumeRoot = (index: number) => `volumes/${index}/`

export class ArchiveFormatError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ArchiveFormatError'
  }
}

/** True when a relative tar path has no empty, `.` or `..` segment and is not absolute. */
export function isCleanRelativePath(p: string): boolean {
  if (p === '' || p.startsWith('/') || p.includes('\0')) return false
  const segments = (p.endsWith('/') ? p.slice(0, -1) : p).split('/')
  return segments.every((s) => s !== '' && s !== '.' && s !== '..')
}

/**
 * Docker's archive API names entries after the requested path's last component: reading
 * `/var/lib/data` yields `data/` (the root) and `data/…`. This returns the path below the root
 * (`''` for the root itself), or throws for anything outside it.
 */
export function belowDockerRoot(name: string, root: string): string {
  if (name === root || name === `${root}/`) return ''
  if (!name.startsWith(`${root}/`)) throw new ArchiveFormatError(`unexpected entry '${name}' outside '${root}/'`)
  const rest = name.slice(root.length + 1)
  if (!isCleanRelativePath(rest)) throw new ArchiveFormatError(`unsafe entry name '${name}'`)
  return rest
}

/**
 * The header to write for an entry moved to `name` (and, for hard links, `linkname`). The pax
 * records a parser hands back include the old `path`/`linkpath`, which would override the new
 * names when re-encoded, so they are dropped; the rest (xattrs, sub-second times) is kept.
 */
export function movedHeader(header: Header, name: string, linkname?: string): Header {
  let pax: Record<string, string> | undefined
  if (header.pax && typeof header.pax === 'object') {
    const { path: _path, linkpath: _linkpath, size: _size, ...rest } = header.pax as Record<string, string>
    if (Object.keys(rest).length > 0) pax = rest
  }
  return {
    ...header,
    name,
    linkname: linkname ?? header.linkname,
    pax: pax ?? null,
    // A type bit in mode (Docker sends 040755) is harmless, but keep permission bits only.
    mode: header.mode & 0o7777,
  }
}

/** An entry of one of our archives, classified. */
export type OurEntry = { kind: 'manifest' } | { kind: 'volume'; index: number; relative: string }

/** Classifies an entry name of our archive format, refusing anything else. */
export function classifyEntry(name: string): OurEntry {
  if (name === MANIFEST_NAME) return { kind: 'manifest' }
  const match = /^volumes\/(\d{1,2})\/(.*)$/s.exec(name)
  if (!match) throw new ArchiveFormatError(`unexpected entry '${name}'`)
  const relative = match[2]!
  if (relative !== '' && !isCleanRelativePath(relative)) throw new ArchiveFormatError(`unsafe entry name '${name}'`)
  return {
    kind: 'volume',
    index: Number(match[1]),
    relative: relative.endsWith('/') ? relative.slice(0, -1) : relative,
  }
}
