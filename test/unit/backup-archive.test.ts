import { createHash } from 'node:crypto'
import { createReadStream, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { pipeline } from 'node:stream/promises'
import { gunzipSync, gzipSync } from 'node:zlib'
import tar, { type Header } from 'tar-stream'
import { afterAll, describe, expect, it } from 'vitest'
import { readArchive } from '../../src/agent/backup/archive-reader'
import { ArchiveWriter } from '../../src/agent/backup/archive-writer'
import { ParallelGzip } from '../../src/agent/backup/parallel-gzip'
import { ArchiveFormatError } from '../../src/agent/backup/tar-entries'
import type { Manifest } from '../../src/schemas/backup'

const dir = mkdtempSync(join(tmpdir(), 'zapie-archive-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
let n = 0
const tempFile = () => join(dir, `a${n++}.partial`)

type Entry = Partial<Header> & { name: string; body?: string | Buffer }

/** A tar stream shaped like Docker's archive API output for `/data`: `data/` first, then `data/…`. */
function dockerTar(entries: Entry[]): Readable {
  const pack = tar.pack()
  for (const { body, ...header } of entries) pack.entry(header, body ?? '')
  pack.finalize()
  return Readable.from(pack as unknown as AsyncIterable<Buffer>)
}

/** The entries of a tar.gz as [name, type, content]. */
async function entriesOf(file: string) {
  const out: { name: string; type: string; linkname: string | null; mode: number; uid: number; body: string }[] = []
  const extract = tar.extract()
  createReadStream(file)
    .pipe((await import('node:zlib')).createGunzip())
    .pipe(extract as unknown as NodeJS.WritableStream)
  for await (const entry of extract) {
    const chunks: Buffer[] = []
    for await (const c of entry) chunks.push(c as Buffer)
    out.push({ ...pick(entry.header), body: Buffer.concat(chunks).toString('latin1') })
  }
  return out
}
const pick = (h: Header) => ({
  name: h.name,
  type: h.type ?? 'file',
  linkname: h.linkname ?? null,
  mode: h.mode ?? 0,
  uid: h.uid ?? 0,
})

function manifestFor(volumes: Manifest['volumes']): Manifest {
  return {
    format: 'zapie-backup',
    formatVersion: 1,
    backupId: 'bk_mwxf0000_00000001',
    name: 'unit',
    created_at: '2026-01-01T00:00:00.000Z',
    consistency: 'pause',
    service: { id: 'zapie-web-1', name: 'zapie-web-1', image: 'busybox', template: null, tier: null },
    volumes,
  }
}

const LONG = `data/${'deep-directory-name/'.repeat(8)}${'x'.repeat(90)}.txt`
const SAMPLE: Entry[] = [
  { name: 'data/', type: 'directory', mode: 0o40700, uid: 999 },
  { name: 'data/a.txt', mode: 0o100640, body: 'hello' },
  { name: 'data/a\\b', body: 'backslash survives' },
  { name: 'data/sub/', type: 'directory', mode: 0o755 },
  { name: 'data/sub/link', type: 'symlink', linkname: '../a.txt' },
  { name: 'data/sub/hard', type: 'link', linkname: 'data/a.txt' },
  { name: LONG, body: 'long name' },
  { name: 'data/empty', body: '' },
]

async function writeSample(file = tempFile()) {
  const writer = await ArchiveWriter.create(file)
  const stats = await writer.addVolume(0, '/var/lib/data', dockerTar(SAMPLE))
  const manifest = manifestFor([{ name: 'vol', destination: '/var/lib/data', ...stats }])
  await writer.addManifest(manifest)
  return { file, stats, manifest, ...(await writer.finish()) }
}

describe('ArchiveWriter', () => {
  it('re-packs a Docker volume tar under volumes/<i>/ with names, links, modes and owners intact, manifest last', async () => {
    const { file, stats, size, sha256 } = await writeSample()
    expect(stats).toEqual({ files: 6, bytes: 'hello'.length + 'backslash survives'.length + 'long name'.length })
    const bytes = readFileSync(file)
    expect(bytes.length).toBe(size)
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(sha256)
    const entries = await entriesOf(file)
    expect(entries.map((e) => e.name)).toEqual([
      'volumes/0/',
      'volumes/0/a.txt',
      'volumes/0/a\\b',
      'volumes/0/sub/',
      'volumes/0/sub/link',
      'volumes/0/sub/hard',
      LONG.replace(/^data\//, 'volumes/0/'),
      'volumes/0/empty',
      'manifest.json',
    ])
    expect(entries[0]).toMatchObject({ type: 'directory', mode: 0o700, uid: 999 })
    expect(entries[1]).toMatchObject({ mode: 0o640, body: 'hello' })
    expect(entries[2]!.body).toBe('backslash survives')
    expect(entries[4]).toMatchObject({ type: 'symlink', linkname: '../a.txt' })
    // A hard link's target moves with the tree.
    expect(entries[5]).toMatchObject({ type: 'link', linkname: 'volumes/0/a.txt' })
    expect(JSON.parse(entries.at(-1)!.body)).toMatchObject({
      format: 'zapie-backup',
      volumes: [{ destination: '/var/lib/data', files: 6 }],
    })
  })

  it('refuses a Docker tar with an entry outside the requested directory, and abort() leaves no file', async () => {
    const file = tempFile()
    const writer = await ArchiveWriter.create(file)
    const bad = dockerTar([
      { name: 'data/', type: 'directory' },
      { name: 'other/evil', body: 'x' },
    ])
    await expect(writer.addVolume(0, '/data', bad)).rejects.toThrow(/outside/)
    await writer.abort()
    expect(readdirSync(dir)).not.toContain(file.split('/').pop())
  })

  it('never overwrites an existing temporary file', async () => {
    const file = tempFile()
    writeFileSync(file, 'someone else')
    await expect(ArchiveWriter.create(file)).rejects.toThrow(/EEXIST/)
  })
})

describe('readArchive', () => {
  it('reads back the manifest, checksum and size of a sound archive', async () => {
    const { file, manifest, size, sha256 } = await writeSample()
    const contents = await readArchive(createReadStream(file))
    expect(contents).toEqual({ manifest, size, sha256 })
  })

  it('detects a single flipped byte', async () => {
    const { file } = await writeSample()
    const bytes = readFileSync(file)
    const at = Math.floor(bytes.length / 2)
    bytes[at] = bytes[at]! ^ 0x10
    writeFileSync(file, bytes)
    await expect(readArchive(createReadStream(file))).rejects.toBeInstanceOf(ArchiveFormatError)
  })

  /** A gzip'd tar made by hand, to try what a hostile upload could contain. */
  const crafted = (entries: Entry[]) => {
    const pack = tar.pack()
    for (const { body, ...header } of entries) pack.entry(header, body ?? '')
    pack.finalize()
    return (async () => {
      const chunks: Buffer[] = []
      for await (const c of pack as unknown as AsyncIterable<Buffer>) chunks.push(c)
      return Readable.from([gzipSync(Buffer.concat(chunks))])
    })()
  }
  const manifestEntry = (volumes: Manifest['volumes']) => ({
    name: 'manifest.json',
    body: JSON.stringify(manifestFor(volumes)),
  })
  const vol = { name: 'v', destination: '/data', files: 1, bytes: 2 }

  it.each([
    [
      'no manifest',
      [
        { name: 'volumes/0/', type: 'directory' as const },
        { name: 'volumes/0/f', body: 'hi' },
      ],
      /no manifest/,
    ],
    [
      'a traversal name',
      [
        { name: 'volumes/0/', type: 'directory' as const },
        { name: 'volumes/0/../../etc/passwd', body: 'hi' },
        manifestEntry([vol]),
      ],
      /unsafe/,
    ],
    ['an absolute name', [{ name: '/etc/passwd', body: 'hi' }, manifestEntry([vol])], /unexpected entry/],
    [
      'a hard link out of its volume',
      [
        { name: 'volumes/0/', type: 'directory' as const },
        { name: 'volumes/0/f', type: 'link' as const, linkname: 'manifest.json' },
        manifestEntry([vol]),
      ],
      /hard link/,
    ],
    [
      'counts that disagree with the manifest',
      [{ name: 'volumes/0/', type: 'directory' as const }, { name: 'volumes/0/f', body: 'h' }, manifestEntry([vol])],
      /manifest says/,
    ],
    [
      'an entry after the manifest',
      [{ name: 'volumes/0/', type: 'directory' as const }, manifestEntry([vol]), { name: 'volumes/0/f', body: 'hi' }],
      /last entry/,
    ],
    ['a volume missing its root', [{ name: 'volumes/0/f', body: 'hi' }, manifestEntry([vol])], /missing/],
    [
      'a manifest of another format',
      [
        { name: 'volumes/0/', type: 'directory' as const },
        { name: 'manifest.json', body: '{"format":"zip"}' },
      ],
      /not a backup manifest/,
    ],
  ])('refuses %s', async (_, entries, message) => {
    await expect(readArchive(await crafted(entries as Entry[]))).rejects.toThrow(message)
  })

  it('refuses something that is not gzip at all', async () => {
    await expect(readArchive(Readable.from([Buffer.from('plain text, no archive')]))).rejects.toBeInstanceOf(
      ArchiveFormatError,
    )
  })
})

describe('ParallelGzip', () => {
  it('writes gzip members in order that gunzip and the gzip tool read back whole', async () => {
    const input = Buffer.concat([
      randomBytes(300_000),
      Buffer.from('compressible text '.repeat(40_000)),
      randomBytes(123),
    ])
    const chunks: Buffer[] = []
    const source = Readable.from(
      (function* () {
        for (let i = 0; i < input.length; i += 7_000) yield input.subarray(i, i + 7_000)
      })(),
    )
    const sink = new (await import('node:stream')).Writable({
      write(chunk: Buffer, _e, cb) {
        chunks.push(chunk)
        cb()
      },
    })
    await pipeline(
      source,
      new ParallelGzip({ level: 1, chunkSize: 16 * 1024, blockSize: 64 * 1024, parallel: 3 }),
      sink,
    )
    const output = Buffer.concat(chunks)
    // Many members (one per 64 KiB block), each starting with the gzip magic.
    expect(chunks.length).toBeGreaterThan(10)
    expect(chunks.every((c) => c[0] === 0x1f && c[1] === 0x8b)).toBe(true)
    expect(gunzipSync(output).equals(input)).toBe(true)
    expect(execFileSync('gzip', ['-dc'], { input: output, maxBuffer: 64 * 1024 * 1024 }).equals(input)).toBe(true)
  })
})
