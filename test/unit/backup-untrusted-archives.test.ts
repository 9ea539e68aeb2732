import { Readable } from 'node:stream'
import type { Header } from 'tar-stream'
import { describe, expect, it } from 'vitest'
import { INFLATE_MARGIN } from '../../src/agent/backup/archive-limits'
import { readArchive, type ReadLimits, type VolumeEntry } from '../../src/agent/backup/archive-reader'
import { restoredMode } from '../../src/agent/backup/entry-rules'
import { checkFreeSpace } from '../../src/agent/backup/free-space'
import { ArchiveFormatError } from '../../src/agent/backup/tar-entries'
import { AppError } from '../../src/errors'
import { createLogger } from '../../src/logger'
import { craftArchive, type CraftedEntry } from '../helpers/hostile-archive'

const MiB = 1024 * 1024
const ROOT: CraftedEntry = { name: 'volumes/0/', type: 'directory', mode: 0o755 }
const UPLOAD: ReadLimits = { untrusted: true, maxInflated: 100 * 2 ** 30 }

const read = async (
  archive: Buffer,
  limits?: ReadLimits,
  visit?: (entry: VolumeEntry, stream: Readable) => Promise<void>,
) => readArchive(Readable.from([archive]), { limits, visit })

/** The AppError a read fails with (or the format error), for asserting status and code. */
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

describe('readArchive: decompression bombs', () => {
  it('stops an archive with an honest manifest once it inflates past ZAPIE_RESTORE_MAX_BYTES (413)', async () => {
    const archive = await craftArchive([ROOT, { name: 'volumes/0/zeros.bin', zeros: 16 * MiB }])
    expect(archive.length).toBeLessThan(MiB)
    expect(await refusal(read(archive, { untrusted: true, maxInflated: 4 * MiB }))).toMatchObject({
      status: 413,
      code: 'archive_too_large',
      message: expect.stringContaining('ZAPIE_RESTORE_MAX_BYTES'),
    })
    // Our own backups are bounded by the manifest we wrote, not by the cap for uploads.
    await expect(read(archive, { maxInflated: 4 * MiB })).resolves.toMatchObject({
      manifest: { volumes: [{ bytes: 16 * MiB }] },
    })
  })

  it('refuses a manifest that declares less content than the archive inflates to (413, not a damaged archive)', async () => {
    const archive = await craftArchive([ROOT, { name: 'volumes/0/zeros.bin', zeros: 8 * MiB }], {
      declare: [{ files: 1, bytes: 5 }],
    })
    expect(await refusal(read(archive, UPLOAD))).toMatchObject({
      status: 413,
      code: 'archive_too_large',
      message: expect.stringContaining('more than'),
    })
  })

  it('refuses a manifest that hides more files than it declares (413)', async () => {
    const archive = await craftArchive([ROOT, { name: 'volumes/0/a', body: 'x' }, { name: 'volumes/0/b', body: '' }], {
      declare: [{ files: 1, bytes: 1 }],
    })
    expect(await refusal(read(archive, UPLOAD))).toMatchObject({ status: 413, code: 'archive_too_large' })
  })

  it('refuses inflated bytes no entry accounts for (zeros after the end of the tar) beyond the margin (413)', async () => {
    const archive = await craftArchive([ROOT, { name: 'volumes/0/f', body: 'hi' }], {
      trailingZeros: INFLATE_MARGIN + 4 * MiB,
    })
    expect(await refusal(read(archive, UPLOAD))).toMatchObject({ status: 413, code: 'archive_too_large' })
  })

  it('with the record known (a restore), stops before a file larger than declared reaches the volume', async () => {
    const archive = await craftArchive(
      [ROOT, { name: 'volumes/0/small', body: 'ok' }, { name: 'volumes/0/zeros.bin', zeros: 8 * MiB }],
      {
        declare: [{ files: 2, bytes: 2 }],
      },
    )
    const seen: string[] = []
    const visit = async (entry: VolumeEntry, stream: Readable) => {
      seen.push(entry.relative)
      for await (const _ of stream);
    }
    expect(await refusal(read(archive, { declared: [{ files: 2, bytes: 2 }] }, visit))).toMatchObject({
      status: 413,
      code: 'archive_too_large',
    })
    expect(seen).toEqual(['', 'small'])
  })

  it('accepts an honest archive under every limit', async () => {
    const archive = await craftArchive([
      ROOT,
      { name: 'volumes/0/f', body: 'hello' },
      { name: 'volumes/0/zeros.bin', zeros: 2 * MiB },
    ])
    const declared = [{ files: 2, bytes: 2 * MiB + 5 }]
    await expect(read(archive, { ...UPLOAD, maxInflated: 3 * MiB, declared })).resolves.toMatchObject({
      manifest: { volumes: [declared[0]] },
    })
  })
})

describe('readArchive: entries an archive from elsewhere may not hold', () => {
  it.each([
    ['a character device', { name: 'volumes/0/null', type: 'character-device', devmajor: 1, devminor: 3, mode: 0o666 }],
    ['a block device', { name: 'volumes/0/sda', type: 'block-device', devmajor: 8, devminor: 0, mode: 0o666 }],
    ['a fifo', { name: 'volumes/0/pipe', type: 'fifo', mode: 0o644 }],
  ] as [string, CraftedEntry][])('refuses %s in an upload with 422 naming the entry', async (_, entry) => {
    const archive = await craftArchive([ROOT, entry])
    expect(await refusal(read(archive, UPLOAD))).toMatchObject({
      status: 422,
      code: 'unsafe_backup_archive',
      message: expect.stringContaining(entry.name),
    })
    // One of our own backups keeps what the volume held.
    await expect(read(archive)).resolves.toBeTruthy()
  })

  it.each([
    [
      'a file written through a symlink',
      [
        { name: 'volumes/0/s', type: 'symlink', linkname: '/etc' },
        { name: 'volumes/0/s/passwd', body: 'root::0:0::/:/bin/sh' },
      ],
      'volumes/0/s/passwd',
    ],
    [
      'a directory below a nested symlink',
      [
        { name: 'volumes/0/a/', type: 'directory' },
        { name: 'volumes/0/a/s', type: 'symlink', linkname: '../..' },
        { name: 'volumes/0/a/s/x/', type: 'directory' },
      ],
      'volumes/0/a/s/x/',
    ],
    [
      'a hard link whose target lies below a symlink',
      [
        { name: 'volumes/0/s', type: 'symlink', linkname: '/' },
        { name: 'volumes/0/h', type: 'link', linkname: 'volumes/0/s/etc/shadow' },
      ],
      'volumes/0/h',
    ],
  ] as [string, CraftedEntry[], string][])('refuses %s, in every archive (422)', async (_, entries, named) => {
    const archive = await craftArchive([ROOT, ...entries])
    for (const limits of [UPLOAD, undefined]) {
      expect(await refusal(read(archive, limits))).toMatchObject({
        status: 422,
        code: 'unsafe_backup_archive',
        message: expect.stringContaining(named),
      })
    }
  })

  it('accepts symlinks themselves, and a sibling whose name merely starts like one', async () => {
    const archive = await craftArchive([
      ROOT,
      { name: 'volumes/0/s', type: 'symlink', linkname: '/etc' },
      { name: 'volumes/0/s2/', type: 'directory' },
      { name: 'volumes/0/s2/f', body: 'ok' },
    ])
    await expect(read(archive, UPLOAD)).resolves.toBeTruthy()
  })
})

describe('restoredMode', () => {
  it.each([
    ['a setuid-root file', 'file', 0o4755, 0o755],
    ['a setgid file', 'file', 0o2755, 0o755],
    ['a hard link carrying setuid', 'link', 0o6755, 0o755],
    ['a setgid directory (keeps group inheritance)', 'directory', 0o2775, 0o2775],
    ['a setuid directory', 'directory', 0o4755, 0o755],
    ['a sticky directory', 'directory', 0o1777, 0o1777],
    ['a type bit in mode', 'file', 0o100640, 0o640],
  ] as const)('%s', (_, type, mode, expected) => {
    expect(restoredMode({ name: 'x', type, mode } as Header)).toBe(expected)
  })
})

describe('checkFreeSpace', () => {
  const volumes = [{ files: 10, bytes: 10 * MiB }]
  const logs: Record<string, unknown>[] = []
  const logger = createLogger('debug', (line) => logs.push(JSON.parse(line)))
  const deps = (available: number, overrides = {}) => ({
    info: async () => ({ DockerRootDir: '/var/lib/docker' }),
    statfs: async (path: string) => {
      expect(path).toBe('/var/lib/docker/volumes')
      return { bavail: available / 4096, bsize: 4096 }
    },
    logger,
    ...overrides,
  })

  it('passes when the disk holding Docker volumes has room for the declared bytes and a block per file', async () => {
    await expect(checkFreeSpace(deps(10 * MiB + 10 * 4096), volumes)).resolves.toBeUndefined()
  })

  it('refuses with 507 insufficient_storage when it has not', async () => {
    expect(await refusal(checkFreeSpace(deps(10 * MiB), volumes))).toMatchObject({
      status: 507,
      code: 'insufficient_storage',
      message: expect.stringContaining('/var/lib/docker/volumes'),
    })
  })

  it('skips with a log line where the agent cannot see that disk (not mounted, remote engine, no docker info)', async () => {
    logs.length = 0
    const enoent = Object.assign(new Error('no such file'), { code: 'ENOENT' })
    await checkFreeSpace(deps(0, { statfs: async () => Promise.reject(enoent) }), volumes)
    await checkFreeSpace(
      deps(0, { dockerHost: 'tcp://10.0.0.2:2375', statfs: async () => expect.unreachable() }),
      volumes,
    )
    await checkFreeSpace(deps(0, { info: async () => Promise.reject(new Error('engine gone')) }), volumes)
    expect(logs.map((l) => l.msg)).toEqual(Array(3).fill('restore: free space not checked'))
    expect(logs.map((l) => String(l.reason))).toEqual([
      expect.stringContaining('ENOENT'),
      expect.stringContaining('remote'),
      expect.stringContaining('engine gone'),
    ])
  })
})
