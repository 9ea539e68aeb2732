import type { Readable } from 'node:stream'
import { createGunzip } from 'node:zlib'
import tar, { type Header } from 'tar-stream'
import { AppError } from '../../errors'
import { Manifest, type BackupVolume } from '../../schemas/backup'
import { archiveTooLarge, inflatedAllowance, InflateLimiter } from './archive-limits'
import type { VolumeStats } from './archive-writer'
import { GZIP_CHUNK } from './archive-writer'
import { EntryRules } from './entry-rules'
import { HashingCounter } from './hash'
import { ArchiveFormatError, classifyEntry, volumeRoot, type OurEntry } from './tar-entries'

const MANIFEST_LIMIT = 1024 * 1024

/** One volume entry, below its volume root (`''` is the root itself). */
export interface VolumeEntry {
  index: number
  relative: string
  header: Header
}

/**
 * Receives each volume entry with its content stream; resolves once the stream has been fully
 * consumed. Without a visitor, contents are read and dropped (verification only).
 */
export type EntryVisitor = (entry: VolumeEntry, stream: Readable) => Promise<void>

/** The rules a restore or an upload check reads an archive under (see archive-limits, entry-rules). */
export interface ReadLimits {
  /** From elsewhere (an upload, an adopted file): special files are refused, `maxInflated` applies. */
  untrusted?: boolean
  /** Decompressed bytes beyond which reading stops (ZAPIE_RESTORE_MAX_BYTES); 0 or absent: none. */
  maxInflated?: number
  /** The volumes its record declares, known before reading (a restore): enforced while streaming. */
  declared?: readonly Pick<BackupVolume, 'files' | 'bytes'>[]
}

export interface ArchiveContents {
  /** Empty when read with `hash: false`. */
  sha256: string
  size: number
  manifest: Manifest
}

/**
 * Reads one of our `.tar.gz` archives end to end: SHA-256 and size of the compressed bytes,
 * gzip's own CRC (zlib checks it at the end), and the structure — only `volumes/<i>/…` entries
 * with clean relative names, hard links inside their own volume, each volume's root present,
 * `manifest.json` last, valid, and agreeing with the files and bytes actually found.
 * Throws ArchiveFormatError when any of it does not hold; AppError 413 `archive_too_large` once
 * it inflates beyond its manifest (plus a margin) or the cap, 422 `unsafe_backup_archive` for an
 * entry EntryRules refuses.
 */
export function readArchive(
  source: Readable,
  options: {
    visit?: EntryVisitor
    onBytes?: (compressedBytes: number) => void
    hash?: boolean
    limits?: ReadLimits
  } = {},
): Promise<ArchiveContents> {
  const limits = options.limits ?? {}
  const hasher = new HashingCounter(options.onBytes, { hash: options.hash })
  const gunzip = createGunzip({ chunkSize: GZIP_CHUNK })
  const inflated = inflateLimiter(limits)
  const rules = new EntryRules(limits.untrusted ?? false)
  const extract = tar.extract()
  const found = new Map<number, VolumeStats & { root: boolean }>()
  let manifestText: string | undefined
  let afterManifest = false

  return new Promise<ArchiveContents>((resolve, reject) => {
    let failed = false
    const fail = (err: Error) => {
      if (failed) return
      failed = true
      source.destroy()
      hasher.destroy()
      gunzip.destroy()
      inflated.destroy()
      extract.destroy()
      reject(
        err instanceof ArchiveFormatError || err instanceof AppError
          ? err
          : new ArchiveFormatError(`not a readable backup archive: ${err.message}`),
      )
    }

    extract.on('entry', (header, stream, next) => {
      const entryStream = stream as unknown as Readable
      entryStream.on('error', fail)
      void (async () => {
        if (afterManifest) throw new ArchiveFormatError('manifest.json must be the last entry')
        const entry = classifyEntry(header.name)
        if (entry.kind === 'manifest') {
          afterManifest = true
          if (header.size > MANIFEST_LIMIT) throw new ArchiveFormatError('manifest.json is too large')
          const chunks: Buffer[] = []
          for await (const chunk of entryStream) chunks.push(chunk as Buffer)
          manifestText = Buffer.concat(chunks).toString('utf8')
          return
        }
        const stats = found.get(entry.index) ?? { files: 0, bytes: 0, root: false }
        found.set(entry.index, stats)
        if (entry.relative === '') {
          if (header.type !== 'directory') throw new ArchiveFormatError(`${header.name} must be a directory`)
          stats.root = true
        } else if (header.type !== 'directory') {
          stats.files += 1
          if (header.type === 'file' || header.type === 'contiguous-file') stats.bytes += header.size
        }
        const declared = limits.declared?.[entry.index]
        if (declared && (stats.files > declared.files || stats.bytes > declared.bytes)) {
          throw archiveTooLarge(
            `${volumeRoot(entry.index)} holds more than the ${declared.files} files / ${declared.bytes} bytes its manifest declares`,
          )
        }
        let linkTarget: string | undefined
        if (header.type === 'link') {
          // A target outside our naming (`/etc/shadow`, `../x`) is refused as this link, not as
          // an entry of that name: the archive holds no such entry, the link is what is wrong.
          const target = linkTargetOf(header.linkname)
          if (target?.kind !== 'volume' || target.index !== entry.index || target.relative === '') {
            throw new ArchiveFormatError(`hard link ${header.name} points outside its volume`)
          }
          linkTarget = target.relative
        }
        rules.check(entry.index, entry.relative, header, linkTarget)
        if (options.visit) await options.visit({ index: entry.index, relative: entry.relative, header }, entryStream)
        else {
          entryStream.resume()
          await new Promise<void>((done, failed) => {
            entryStream.on('end', done)
            entryStream.on('error', failed)
          })
        }
      })().then(() => next(), fail)
    })

    extract.on('finish', () => {
      if (failed) return
      try {
        resolve({
          sha256: hasher.digest(),
          size: hasher.bytes,
          manifest: checkManifest(manifestText, found, inflated.bytes),
        })
      } catch (err) {
        fail(err as Error)
      }
    })
    for (const stream of [source, hasher, gunzip, inflated, extract] as NodeJS.EventEmitter[]) stream.on('error', fail)
    source
      .pipe(hasher)
      .pipe(gunzip)
      .pipe(inflated)
      .pipe(extract as unknown as NodeJS.WritableStream)
  })
}

function linkTargetOf(linkname: string | null | undefined): OurEntry | null {
  try {
    return classifyEntry(linkname ?? '')
  } catch {
    return null
  }
}

/** The tighter of the cap (archives from elsewhere) and what the record declares, if known. */
function inflateLimiter(limits: ReadLimits): InflateLimiter {
  const cap = limits.untrusted && limits.maxInflated ? limits.maxInflated : Infinity
  const declared = limits.declared ? inflatedAllowance(limits.declared) : Infinity
  return declared <= cap
    ? new InflateLimiter(declared, 'more than its manifest declares')
    : new InflateLimiter(cap, 'ZAPIE_RESTORE_MAX_BYTES')
}

function checkManifest(
  text: string | undefined,
  found: Map<number, VolumeStats & { root: boolean }>,
  inflatedBytes: number,
): Manifest {
  if (text === undefined) throw new ArchiveFormatError('the archive has no manifest.json')
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    throw new ArchiveFormatError('manifest.json is not valid JSON')
  }
  const parsed = Manifest.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new ArchiveFormatError(`manifest.json is not a backup manifest: ${issue?.path.join('.')} ${issue?.message}`)
  }
  const manifest = parsed.data
  for (const index of found.keys()) {
    if (index >= manifest.volumes.length) throw new ArchiveFormatError(`${volumeRoot(index)} is not in the manifest`)
  }
  // More than declared is a bomb (413), not a damaged archive: checked before the exact counts.
  const allowance = inflatedAllowance(manifest.volumes)
  if (inflatedBytes > allowance)
    throw archiveTooLarge(
      `The archive inflates to ${inflatedBytes} bytes, more than the ${allowance} its manifest allows`,
    )
  manifest.volumes.forEach((volume, index) => {
    const stats = found.get(index)
    if (stats && (stats.files > volume.files || stats.bytes > volume.bytes)) {
      throw archiveTooLarge(
        `${volumeRoot(index)} holds ${stats.files} files / ${stats.bytes} bytes, more than the ${volume.files} / ${volume.bytes} its manifest declares`,
      )
    }
    if (!stats?.root) throw new ArchiveFormatError(`${volumeRoot(index)} is missing`)
    if (stats.files !== volume.files || stats.bytes !== volume.bytes) {
      throw new ArchiveFormatError(
        `${volumeRoot(index)} holds ${stats.files} files / ${stats.bytes} bytes, the manifest says ${volume.files} / ${volume.bytes}`,
      )
    }
  })
  return manifest
}
