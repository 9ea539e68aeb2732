import { once } from 'node:events'
import { createGzip } from 'node:zlib'
import tar, { type Header } from 'tar-stream'
import type { Manifest } from '../../src/schemas/backup'

/** One entry of a hand-made archive; `zeros` streams that many zero bytes as the file's content. */
export type CraftedEntry = Partial<Header> & { name: string; body?: string | Buffer; zeros?: number }

export interface CraftOptions {
  /** Mount destination of volume `i` (default `/data` for volume 0). */
  destinations?: string[]
  /** Replaces the honest per-volume counts (a lying manifest). */
  declare?: { files: number; bytes: number }[]
  /** Zero bytes appended after tar's end blocks: inflated size no entry accounts for. */
  trailingZeros?: number
}

const ZERO = Buffer.alloc(1024 * 1024)

export function manifestOf(volumes: Manifest['volumes']): Manifest {
  return {
    format: 'zapie-backup',
    formatVersion: 1,
    backupId: 'bk_mwxf0000_00000001',
    name: 'crafted',
    created_at: '2026-01-01T00:00:00.000Z',
    consistency: 'pause',
    service: { id: 'zapie-elsewhere-1', name: 'zapie-elsewhere-1', image: 'busybox', template: null, tier: null },
    volumes,
  }
}

/**
 * A `.tar.gz` in our archive format, made by hand with the libraries the project uses
 * (tar-stream + zlib), to try what a hostile upload could hold. The manifest is honest about
 * what the entries hold unless `declare` says otherwise, so only the rule under test can catch it.
 */
export async function craftArchive(entries: CraftedEntry[], options: CraftOptions = {}): Promise<Buffer> {
  const pack = tar.pack()
  const gzip = createGzip({ level: 1 })
  const out: Buffer[] = []
  gzip.on('data', (chunk: Buffer) => out.push(chunk))
  const ended = once(gzip, 'end')
  const write = async (chunk: Buffer) => {
    if (!gzip.write(chunk)) await once(gzip, 'drain')
  }
  const feeding = (async () => {
    for await (const chunk of pack as unknown as AsyncIterable<Buffer>) await write(chunk)
    for (let left = options.trailingZeros ?? 0; left > 0; left -= ZERO.length)
      await write(ZERO.subarray(0, Math.min(left, ZERO.length)))
    gzip.end()
  })()

  const counts: { files: number; bytes: number }[] = []
  for (const { body, zeros, ...header } of entries) {
    const match = /^volumes\/(\d+)\/(.+)$/.exec(header.name)
    if (match && header.type !== 'directory') {
      const c = (counts[Number(match[1])] ??= { files: 0, bytes: 0 })
      c.files += 1
      if ((header.type ?? 'file') === 'file') c.bytes += zeros ?? Buffer.byteLength(body ?? '')
    } else if (/^volumes\/(\d+)\/$/.test(header.name))
      counts[Number(header.name.split('/')[1])] ??= { files: 0, bytes: 0 }
    await new Promise<void>((resolve, reject) => {
      const done = (err?: Error | null) => (err ? reject(err) : resolve())
      if (zeros === undefined) return pack.entry(header, body ?? '', done)
      const sink = pack.entry({ ...header, size: zeros }, done)
      void (async () => {
        for (let left = zeros; left > 0; left -= ZERO.length) {
          if (!sink.write(ZERO.subarray(0, Math.min(left, ZERO.length)))) await once(sink, 'drain')
        }
        ;(sink as unknown as NodeJS.WritableStream).end()
      })()
    })
  }
  const declared = options.declare ?? counts
  const manifest = manifestOf(
    declared.map((c, i) => ({
      name: `v${i}`,
      destination: options.destinations?.[i] ?? (i === 0 ? '/data' : `/data${i}`),
      ...c,
    })),
  )
  pack.entry({ name: 'manifest.json', mode: 0o644 }, JSON.stringify(manifest))
  pack.finalize()
  await feeding
  await ended
  return Buffer.concat(out)
}
