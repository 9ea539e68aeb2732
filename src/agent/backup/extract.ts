import path from 'node:path'
import type { Readable } from 'node:stream'
import type Docker from 'dockerode'
import tar, { type Pack } from 'tar-stream'
import { readArchive, type ArchiveContents, type ReadLimits, type VolumeEntry } from './archive-reader'
import { restoredMode } from './entry-rules'
import { ArchiveFormatError, classifyEntry, movedHeader } from './tar-entries'

interface OpenVolume {
  index: number
  /** The destination's last component: entries are written as `<base>/…` into its parent. */
  base: string
  pack: Pack
  put: Promise<unknown>
}

/**
 * Streams an archive's volumes into a container through Docker's archive API
 * (`PUT /containers/{id}/archive?path=<destination>`), which writes into the volumes mounted
 * there — on a container that was created but never started. Volume `i` goes to
 * `destinations[i]`: written into its parent as `<last component>/…`, because Docker applies a
 * root entry's mode and owner only to a directory it extracts, not to the one it extracts into —
 * so the volume root gets its mode and owner back (PostgreSQL insists on 0700). Entries flow
 * one at a time with backpressure, so memory stays bounded. `limits` stop the stream as soon as
 * it inflates beyond what the record declares; no file is written setuid or setgid.
 */
export async function extractIntoContainer(
  archive: Readable,
  container: Docker.Container,
  destinations: readonly string[],
  options: { onBytes?: (compressedBytes: number) => void; limits?: ReadLimits } = {},
): Promise<ArchiveContents> {
  const abort = new AbortController()
  let current: OpenVolume | undefined

  const closeCurrent = async () => {
    if (!current) return
    const { pack, put } = current
    current = undefined
    pack.finalize()
    await put
  }

  const open = (index: number): OpenVolume => {
    const destination = destinations[index]
    if (destination === undefined) throw new ArchiveFormatError(`volume ${index} is not part of this restore`)
    const pack = tar.pack()
    const request = { path: path.posix.dirname(destination), abortSignal: abort.signal } as { path: string }
    const put = container.putArchive(pack as unknown as NodeJS.ReadableStream, request)
    // A failed PUT must also stop the entry being written into the pack.
    put.catch((err: Error) => pack.destroy(err))
    return { index, base: path.posix.basename(destination), pack, put }
  }

  const visit = async (entry: VolumeEntry, stream: Readable) => {
    if (!current || current.index !== entry.index) {
      await closeCurrent()
      current = open(entry.index)
    }
    const { header } = entry
    const { base, pack } = current
    let name = entry.relative === '' ? `${base}/` : `${base}/${entry.relative}`
    if (header.type === 'directory' && !name.endsWith('/')) name += '/'
    const link = header.type === 'link' ? classifyEntry(header.linkname ?? '') : undefined
    const linkname = link?.kind === 'volume' ? `${base}/${link.relative}` : undefined
    await new Promise<void>((resolve, reject) => {
      const sink = pack.entry({ ...movedHeader(header, name, linkname), mode: restoredMode(header) }, (err) =>
        err ? reject(err) : resolve(),
      )
      stream.on('error', reject)
      if (header.type === 'file' || header.type === 'contiguous-file')
        stream.pipe(sink as unknown as NodeJS.WritableStream)
      else stream.resume()
    })
  }

  try {
    // Already verified by the caller, from the same open file: no second hash in the hot path.
    const contents = await readArchive(archive, {
      visit,
      onBytes: options.onBytes,
      hash: false,
      limits: options.limits,
    })
    await closeCurrent()
    return contents
  } catch (err) {
    abort.abort()
    current?.pack.destroy(err as Error)
    throw err
  }
}
