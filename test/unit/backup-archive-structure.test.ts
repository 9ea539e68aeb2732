import { Readable } from 'node:stream'
import { gzipSync } from 'node:zlib'
import tar from 'tar-stream'
import { describe, expect, it } from 'vitest'
import { ENTRY_OVERHEAD, INFLATE_MARGIN } from '../../src/agent/backup/archive-limits'
import { readArchive, type ReadLimits, type VolumeEntry } from '../../src/agent/backup/archive-reader'
import { ArchiveFormatError } from '../../src/agent/backup/tar-entries'
import { AppError } from '../../src/errors'
import { craftArchive, manifestOf, type CraftedEntry } from '../helpers/hostile-archive'

/**
 * The structural rules of readArchive, each tried with more than one hostile input: what an
 * upload or a restore answers (upload.ts turns a format error into 422 invalid_backup_archive).
 */
const ROOT: CraftedEntry = { name: 'volumes/0/', type: 'directory', mode: 0o755 }
const ROOT1: CraftedEntry = { name: 'volumes/1/', type: 'directory', mode: 0o755 }
const UPLOAD: ReadLimits = { untrusted: true, maxInflated: 100 * 2 ** 30 }
const MiB = 1024 * 1024

const read = (archive: Buffer, options: Parameters<typeof readArchive>[1] = {}) =>
  readArchive(Readable.from([archive]), options)

async function refusal(promise: Promise<unknown>) {
  const err = await promise.then(
    () => {
      throw new Error('the archive was accepted')
    },
    (e: unknown) => e,
  )
  if (err instanceof AppError) return { status: err.status, code: err.code, message: err.message }
  if (err instanceof ArchiveFormatError) return { status: 422, code: 'invalid_backup_archive', message: err.message }
  throw err
}

/** A tar.gz with exactly these entries, manifest included as given (craftArchive writes its own). */
async function rawArchive(entries: CraftedEntry[]): Promise<Buffer> {
  const pack = tar.pack()
  for (const { body, ...header } of entries) pack.entry(header, body ?? '')
  pack.finalize()
  const chunks: Buffer[] = []
  for await (const c of pack as unknown as AsyncIterable<Buffer>) chunks.push(c)
  return gzipSync(Buffer.concat(chunks))
}
const manifestJson = (volumes: { files: number; bytes: number }[]) =>
  JSON.stringify(manifestOf(volumes.map((c, i) => ({ name: `v${i}`, destination: `/data${i}`, ...c }))))

describe('readArchive: hard links stay inside their own volume', () => {
  it.each([
    ['into another volume', 'volumes/1/f'],
    ['onto its own volume root', 'volumes/0/'],
    ['onto another volume root', 'volumes/1/'],
    ['onto the manifest', 'manifest.json'],
  ])('refuses a hard link %s with 422 naming the link', async (_, linkname) => {
    const archive = await craftArchive([
      ROOT,
      ROOT1,
      { name: 'volumes/1/f', body: 'secret' },
      { name: 'volumes/0/h', type: 'link', linkname },
    ])
    for (const limits of [UPLOAD, undefined]) {
      expect(await refusal(read(archive, { limits }))).toEqual({
        status: 422,
        code: 'invalid_backup_archive',
        message: 'hard link volumes/0/h points outside its volume',
      })
    }
  })

  it.each([
    ['an absolute host path', '/etc/shadow'],
    ['a climb out of the volume', 'volumes/0/../../etc/shadow'],
    ['a name outside our format', 'etc/shadow'],
  ])('refuses a hard link to %s with 422 naming the link', async (_, linkname) => {
    const archive = await craftArchive([
      ROOT,
      { name: 'volumes/0/f', body: 'x' },
      { name: 'volumes/0/h', type: 'link', linkname },
    ])
    expect(await refusal(read(archive, { limits: UPLOAD }))).toMatchObject({
      status: 422,
      message: expect.stringContaining('volumes/0/h'),
    })
  })

  it('accepts a hard link to a file of its own volume, counted as a file without bytes', async () => {
    const archive = await craftArchive([
      ROOT,
      ROOT1,
      { name: 'volumes/1/f', body: 'abc' },
      { name: 'volumes/1/h', type: 'link', linkname: 'volumes/1/f' },
    ])
    const seen: [number, string, string | null | undefined][] = []
    const contents = await read(archive, {
      limits: UPLOAD,
      visit: async (entry: VolumeEntry, stream: Readable) => {
        seen.push([entry.index, entry.relative, entry.header.linkname])
        for await (const _ of stream);
      },
    })
    expect(contents.manifest.volumes.map((v) => [v.files, v.bytes])).toEqual([
      [0, 0],
      [2, 3],
    ])
    expect(seen).toEqual([
      [0, '', null],
      [1, '', null],
      [1, 'f', null],
      [1, 'h', 'volumes/1/f'],
    ])
  })
})

describe('readArchive: every volume is one the manifest declares', () => {
  it.each([
    ['an extra volume root', [ROOT, ROOT1], 'volumes/1/ is not in the manifest'],
    [
      'an extra volume with a file and no root',
      [ROOT, { name: 'volumes/7/f', body: 'x' }],
      'volumes/7/ is not in the manifest',
    ],
    [
      'an extra directory',
      [ROOT, { name: 'volumes/3/d/', type: 'directory' as const }],
      'volumes/3/ is not in the manifest',
    ],
  ])('refuses %s (422 naming it)', async (_, entries, message) => {
    const archive = await craftArchive(entries as CraftedEntry[], { declare: [{ files: 0, bytes: 0 }] })
    for (const limits of [UPLOAD, undefined])
      expect(await refusal(read(archive, { limits }))).toEqual({ status: 422, code: 'invalid_backup_archive', message })
  })

  it.each([
    ['no root at all', [{ name: 'volumes/0/f', body: 'x' }], [{ files: 1, bytes: 1 }], 'volumes/0/ is missing'],
    [
      'the second volume absent',
      [ROOT],
      [
        { files: 0, bytes: 0 },
        { files: 0, bytes: 0 },
      ],
      'volumes/1/ is missing',
    ],
  ] as [string, CraftedEntry[], { files: number; bytes: number }[], string][])(
    'refuses a declared volume that is missing: %s',
    async (_, entries, declare, message) => {
      const archive = await craftArchive(entries, { declare })
      expect(await refusal(read(archive))).toEqual({ status: 422, code: 'invalid_backup_archive', message })
    },
  )

  it.each([
    ['a file', { name: 'volumes/0/', type: 'file' as const, body: '' }],
    ['a symlink', { name: 'volumes/0/', type: 'symlink' as const, linkname: '/' }],
  ])('refuses a volume root that is %s', async (_, root) => {
    const archive = await rawArchive([root, { name: 'manifest.json', body: manifestJson([{ files: 0, bytes: 0 }]) }])
    expect(await refusal(read(archive))).toEqual({
      status: 422,
      code: 'invalid_backup_archive',
      message: 'volumes/0/ must be a directory',
    })
  })
})

describe('readArchive: the manifest agrees with what the archive holds', () => {
  it.each([
    [
      'one file fewer than declared',
      { files: 3, bytes: 4 },
      'volumes/0/ holds 2 files / 4 bytes, the manifest says 3 / 4',
    ],
    [
      'fewer bytes than declared',
      { files: 2, bytes: 9 },
      'volumes/0/ holds 2 files / 4 bytes, the manifest says 2 / 9',
    ],
    [
      'an empty volume declared with content',
      { files: 1, bytes: 0 },
      'volumes/0/ holds 2 files / 4 bytes, the manifest says 1 / 0',
    ],
  ])('refuses %s (422: a damaged archive)', async (_, declared, message) => {
    const entries: CraftedEntry[] = [ROOT, { name: 'volumes/0/a', body: 'abc' }, { name: 'volumes/0/b', body: 'd' }]
    const archive = await craftArchive(entries, { declare: [declared] })
    const expected =
      declared.files < 2
        ? { status: 413, code: 'archive_too_large' }
        : { status: 422, code: 'invalid_backup_archive', message }
    expect(await refusal(read(archive))).toMatchObject(expected)
  })

  it.each([
    ['more files', { files: 1, bytes: 4 }],
    ['more bytes', { files: 2, bytes: 3 }],
  ])('refuses a volume holding %s than declared with 413, at the end and while streaming', async (_, declared) => {
    const archive = await craftArchive(
      [ROOT, { name: 'volumes/0/a', body: 'abc' }, { name: 'volumes/0/b', body: 'd' }],
      { declare: [declared] },
    )
    const atEnd = await refusal(read(archive))
    expect(atEnd).toMatchObject({
      status: 413,
      code: 'archive_too_large',
      message: expect.stringContaining(`more than the ${declared.files} / ${declared.bytes} its manifest declares`),
    })
    const streaming = await refusal(read(archive, { limits: { declared: [declared] } }))
    expect(streaming).toMatchObject({
      status: 413,
      message: expect.stringContaining(
        `holds more than the ${declared.files} files / ${declared.bytes} bytes its manifest declares`,
      ),
    })
  })

  it('counts symlinks and hard links as files and only regular files as bytes; directories not at all', async () => {
    const archive = await craftArchive([
      ROOT,
      { name: 'volumes/0/d/', type: 'directory' },
      { name: 'volumes/0/d/f', body: '12345' },
      { name: 'volumes/0/s', type: 'symlink', linkname: 'd/f' },
      { name: 'volumes/0/h', type: 'link', linkname: 'volumes/0/d/f' },
    ])
    await expect(read(archive)).resolves.toMatchObject({ manifest: { volumes: [{ files: 3, bytes: 5 }] } })
    const lying = await craftArchive(
      [ROOT, { name: 'volumes/0/d/', type: 'directory' }, { name: 'volumes/0/s', type: 'symlink', linkname: 'x' }],
      { declare: [{ files: 2, bytes: 0 }] },
    )
    expect(await refusal(read(lying))).toMatchObject({
      message: 'volumes/0/ holds 1 files / 0 bytes, the manifest says 2 / 0',
    })
  })
})

describe('readArchive: the manifest itself', () => {
  const volume: CraftedEntry = { name: 'volumes/0/f', body: 'hi' }
  const honest = manifestJson([{ files: 1, bytes: 2 }])

  it('accepts a manifest of exactly 1 MiB and refuses one a byte larger (422)', async () => {
    const padded = (size: number) => honest + ' '.repeat(size - Buffer.byteLength(honest))
    await expect(
      read(await rawArchive([ROOT, volume, { name: 'manifest.json', body: padded(MiB) }])),
    ).resolves.toMatchObject({ manifest: { volumes: [{ files: 1 }] } })
    for (const size of [MiB + 1, 3 * MiB]) {
      const archive = await rawArchive([ROOT, volume, { name: 'manifest.json', body: padded(size) }])
      expect(await refusal(read(archive))).toEqual({
        status: 422,
        code: 'invalid_backup_archive',
        message: 'manifest.json is too large',
      })
    }
  })

  it.each([
    ['a volume entry', { name: 'volumes/0/late', body: 'x' }],
    ['a second manifest', { name: 'manifest.json', body: honest }],
  ])('refuses %s after the manifest', async (_, late) => {
    const archive = await rawArchive([ROOT, volume, { name: 'manifest.json', body: honest }, late])
    expect(await refusal(read(archive))).toEqual({
      status: 422,
      code: 'invalid_backup_archive',
      message: 'manifest.json must be the last entry',
    })
  })

  it.each([
    ['truncated JSON', honest.slice(0, 20), 'manifest.json is not valid JSON'],
    ['plain text', 'hello', 'manifest.json is not valid JSON'],
    [
      'a wrong format version',
      honest.replace('"formatVersion":1', '"formatVersion":7'),
      /^manifest\.json is not a backup manifest: formatVersion /,
    ],
    [
      'a volume count of the wrong type',
      honest.replace('"files":1', '"files":"1"'),
      /^manifest\.json is not a backup manifest: volumes\.0\.files /,
    ],
  ])('refuses a manifest that is %s', async (_, body, message) => {
    const archive = await rawArchive([ROOT, volume, { name: 'manifest.json', body }])
    // A bare RegExp inside toMatchObject matches any string: spell the matcher out.
    expect(await refusal(read(archive))).toMatchObject({
      status: 422,
      code: 'invalid_backup_archive',
      message: typeof message === 'string' ? message : expect.stringMatching(message),
    })
  })

  it('refuses an archive without a manifest, whatever else it holds', async () => {
    for (const entries of [[ROOT, volume], [ROOT]]) {
      expect(await refusal(read(await rawArchive(entries)))).toEqual({
        status: 422,
        code: 'invalid_backup_archive',
        message: 'the archive has no manifest.json',
      })
    }
  })
})

describe('readArchive: inflated size', () => {
  it('names the tighter limit: the record when it is smaller than the cap, else ZAPIE_RESTORE_MAX_BYTES', async () => {
    // Honest headers, but zeros after the end of the tar: only the inflated byte count catches it.
    const archive = await craftArchive([ROOT, { name: 'volumes/0/f', body: 'hi' }], {
      trailingZeros: INFLATE_MARGIN + 8 * MiB,
    })
    const declared = [{ files: 1, bytes: 2 }]
    const allowance = 2 + ENTRY_OVERHEAD + INFLATE_MARGIN
    expect(
      await refusal(read(archive, { limits: { untrusted: true, maxInflated: INFLATE_MARGIN + 4 * MiB, declared } })),
    ).toMatchObject({
      status: 413,
      message: expect.stringContaining(`more than ${allowance} bytes (more than its manifest declares)`),
    })
    // Equal limits: the record's reason, the more precise one.
    expect(
      await refusal(read(archive, { limits: { untrusted: true, maxInflated: allowance, declared } })),
    ).toMatchObject({
      message: expect.stringContaining(`more than ${allowance} bytes (more than its manifest declares)`),
    })
    expect(await refusal(read(archive, { limits: { untrusted: true, maxInflated: 2 * MiB, declared } }))).toMatchObject(
      {
        status: 413,
        message: expect.stringContaining(`more than ${2 * MiB} bytes (ZAPIE_RESTORE_MAX_BYTES)`),
      },
    )
  })

  it('applies no cap to our own backups and none when the cap is 0', async () => {
    const archive = await craftArchive([ROOT, { name: 'volumes/0/z', zeros: 3 * MiB }])
    await expect(read(archive, { limits: { untrusted: true, maxInflated: 0 } })).resolves.toBeTruthy()
    await expect(read(archive, { limits: { untrusted: false, maxInflated: MiB } })).resolves.toBeTruthy()
    expect(await refusal(read(archive, { limits: { untrusted: true, maxInflated: MiB } }))).toMatchObject({
      status: 413,
    })
  })

  it('refuses, once read, an archive inflating past its declared bytes plus overhead and margin, naming the allowance', async () => {
    const archive = await craftArchive([ROOT, { name: 'volumes/0/z', zeros: INFLATE_MARGIN + 4 * ENTRY_OVERHEAD }], {
      declare: [{ files: 1, bytes: 1 }],
    })
    expect(await refusal(read(archive))).toMatchObject({
      status: 413,
      message: expect.stringContaining(`more than the ${1 + ENTRY_OVERHEAD + INFLATE_MARGIN} its manifest allows`),
    })
  })
})

describe('readArchive: what a sound archive reports', () => {
  it('reports the compressed size and its SHA-256, or no hash when asked for none, and progress in compressed bytes', async () => {
    const archive = await craftArchive([ROOT, { name: 'volumes/0/f', body: 'hello' }])
    const progress: number[] = []
    const contents = await read(archive, { onBytes: (n) => progress.push(n) })
    const { createHash } = await import('node:crypto')
    expect(contents.size).toBe(archive.length)
    expect(contents.sha256).toBe(createHash('sha256').update(archive).digest('hex'))
    expect(progress.at(-1)).toBe(archive.length)
    expect(await read(archive, { hash: false })).toMatchObject({ sha256: '', size: archive.length })
  })

  it('refuses a truncated archive as unreadable (422), not as a server error', async () => {
    const archive = await craftArchive([ROOT, { name: 'volumes/0/f', body: 'hello'.repeat(1000) }])
    for (const cut of [10, Math.floor(archive.length / 2)]) {
      const err = await read(archive.subarray(0, cut)).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(ArchiveFormatError)
      expect((err as Error).message).toMatch(/^not a readable backup archive: /)
    }
  })

  it('passes a visitor failure through, and reads no further', async () => {
    const archive = await craftArchive([ROOT, { name: 'volumes/0/a', body: 'a' }, { name: 'volumes/0/b', body: 'b' }])
    const seen: string[] = []
    const boom = new AppError(507, 'insufficient_storage', 'disk full')
    const err = await read(archive, {
      visit: async (entry, stream) => {
        seen.push(entry.relative)
        for await (const _ of stream);
        if (entry.relative === 'a') throw boom
      },
    }).catch((e: unknown) => e)
    expect(err).toBe(boom)
    expect(seen).toEqual(['', 'a'])
  })
})
