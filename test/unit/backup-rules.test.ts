import type Docker from 'dockerode'
import { describe, expect, it } from 'vitest'
import { parseRange } from '../../src/agent/backup/download'
import { BackupPaths, isBackupId, newBackupId } from '../../src/agent/backup/paths'
import { extraNetworks, recreateOptions } from '../../src/agent/backup/recreate'
import { freshVolumeName } from '../../src/agent/backup/restore'
import { selectExpired } from '../../src/agent/backup/retention'
import { missingSince } from '../../src/agent/backup/schedules'
import type { BackupRecord, StoredSchedule } from '../../src/schemas/backup'

describe('backup ids and paths', () => {
  it('generates ids it accepts, and accepts nothing that could be a path', () => {
    const id = newBackupId(Date.parse('2026-03-01T00:00:00Z'))
    expect(isBackupId(id)).toBe(true)
    for (const bad of [
      '..',
      '../x',
      'bk_../../src',
      'bk_abc_123',
      `bk_${'a'.repeat(300)}_12345678`,
      'bk_mwxf0000_0000000g',
      'bk_mwxf0000_00000000/x',
      '',
    ]) {
      expect(isBackupId(bad), bad).toBe(false)
    }
  })

  it('builds every path inside the backup directory and refuses anything else', () => {
    const paths = new BackupPaths('/srv/zapie/backups')
    expect(paths.archive('zapie-web-1', 'bk_mwxf0000_00000001')).toBe(
      '/srv/zapie/backups/zapie-web-1/bk_mwxf0000_00000001.tar.gz',
    )
    expect(paths.partial('zapie-web-1', 'bk_mwxf0000_00000001')).toBe(
      '/srv/zapie/backups/zapie-web-1/bk_mwxf0000_00000001.partial',
    )
    expect(() => paths.archive('zapie-web-1', '../../src')).toThrow(/Invalid backup id/)
    expect(() => paths.archive('..', 'bk_mwxf0000_00000001')).toThrow()
    expect(() => paths.serviceDir('a/../../etc')).toThrow()
    expect(() => paths.inside('..', 'etc')).toThrow(/escapes/)
    expect(() => paths.inside('/etc/passwd')).toThrow(/escapes/)
  })
})

describe('parseRange', () => {
  it.each([
    [undefined, null],
    ['bytes=0-99', { start: 0, end: 99 }],
    ['bytes=100-', { start: 100, end: 999 }],
    ['bytes=-10', { start: 990, end: 999 }],
    ['bytes=-5000', { start: 0, end: 999 }],
    ['bytes=900-5000', { start: 900, end: 999 }],
    ['bytes=1000-', 'unsatisfiable'],
    ['bytes=-0', 'unsatisfiable'],
    ['bytes=5-1', null],
    ['bytes=0-1,5-9', null],
    ['items=0-9', null],
  ])('%s of 1000 bytes → %j', (header, expected) => {
    expect(parseRange(header, 1000)).toEqual(expected)
  })
})

const record = (id: string, daysAgo: number, now: number): BackupRecord => ({
  id,
  serviceId: 'svc',
  serviceName: 'svc',
  name: id,
  created_at: new Date(now - daysAgo * 86_400_000).toISOString(),
  size: 1,
  sha256: 'a'.repeat(64),
  consistency: 'pause',
  volumes: [],
  image: 'img',
  template: null,
  tier: null,
  origin: 'manual',
})

describe('selectExpired (retention)', () => {
  const now = Date.parse('2026-06-01T00:00:00Z')
  const records = [
    record('d0', 0, now),
    record('d1', 1, now),
    record('d5', 5, now),
    record('d10', 10, now),
    record('d40', 40, now),
  ]

  it('keeps the newest keepLast', () => {
    expect(selectExpired(records, { keepLast: 2 }, now).map((r) => r.id)).toEqual(['d5', 'd10', 'd40'])
  })

  it('drops backups older than maxAgeDays', () => {
    expect(selectExpired(records, { maxAgeDays: 7 }, now).map((r) => r.id)).toEqual(['d10', 'd40'])
  })

  it('applies both, never the newest, never the one just made, and nothing without a policy', () => {
    expect(selectExpired(records, { keepLast: 4, maxAgeDays: 3 }, now).map((r) => r.id)).toEqual(['d5', 'd10', 'd40'])
    expect(selectExpired([record('old', 100, now)], { maxAgeDays: 1 }, now)).toEqual([])
    expect(selectExpired(records, { keepLast: 1 }, now, new Set(['d1'])).map((r) => r.id)).toEqual(['d5', 'd10', 'd40'])
    expect(selectExpired(records, {}, now)).toEqual([])
  })
})

describe('missingSince (backup_missing)', () => {
  const hourly = (overrides: Partial<StoredSchedule> = {}): StoredSchedule => ({
    serviceId: 'svc',
    cron: '0 * * * *',
    enabled: true,
    consistency: 'pause',
    createdAt: '2026-06-01T00:00:00.000Z',
    updatedAt: '2026-06-01T00:00:00.000Z',
    ...overrides,
  })
  const at = (iso: string) => Date.parse(iso)

  it('is not missing while the last two fire times were covered', () => {
    expect(
      missingSince(hourly({ lastSuccessAt: '2026-06-01T11:00:05.000Z' }), at('2026-06-01T12:30:00Z')).missing,
    ).toBe(false)
  })

  it('is missing once two periods passed without a success', () => {
    const result = missingSince(hourly({ lastSuccessAt: '2026-06-01T10:00:04.000Z' }), at('2026-06-01T12:30:00Z'))
    expect(result).toEqual({ missing: true, expectedSince: new Date('2026-06-01T11:00:00.000Z') })
    expect(missingSince(hourly(), at('2026-06-01T12:30:00Z')).missing).toBe(true)
  })

  it('gives a new or changed schedule two periods, and never fires for a disabled one', () => {
    expect(missingSince(hourly({ updatedAt: '2026-06-01T11:30:00.000Z' }), at('2026-06-01T12:30:00Z')).missing).toBe(
      false,
    )
    expect(missingSince(hourly({ enabled: false }), at('2026-06-01T12:30:00Z')).missing).toBe(false)
  })
})

describe('recreateOptions', () => {
  const inspect = {
    Id: 'abcdef0123456789'.repeat(4),
    Image: 'sha256:feed',
    Config: {
      Image: 'postgres:16',
      Env: ['POSTGRES_PASSWORD=secret'],
      Labels: { 'zapie.id': 'zapie-db-1', 'zapie.managed': 'true' },
      Cmd: ['postgres'],
      Volumes: { '/var/lib/postgresql/data': {}, '/anon': {} },
    },
    HostConfig: {
      Binds: ['zapie-db-1-data:/var/lib/postgresql/data:rw', '/etc/localtime:/etc/localtime:ro', 'other:/other'],
      Mounts: [{ Type: 'tmpfs', Target: '/run' }],
      NetworkMode: 'zapie-net',
      RestartPolicy: { Name: 'unless-stopped', MaximumRetryCount: 0 },
      Memory: 536870912,
      PortBindings: { '5432/tcp': [{ HostIp: '127.0.0.1', HostPort: '5432' }] },
    },
    NetworkSettings: {
      Networks: {
        'zapie-net': { Aliases: ['db', 'abcdef012345'], IPAMConfig: null },
        backend: { Aliases: ['pg'] },
      },
    },
  } as unknown as Docker.ContainerInspectInfo
  const volumes = [
    { name: '0123456789abcdef'.repeat(4), destination: '/anon', readOnly: false },
    { name: 'other', destination: '/other', readOnly: true },
    { name: 'zapie-db-1-data', destination: '/var/lib/postgresql/data', readOnly: false },
  ]

  it('keeps the config and points only the restored destination at its fresh volume', () => {
    const options = recreateOptions(
      inspect,
      volumes,
      new Map([['/var/lib/postgresql/data', 'zapie-db-1-data-r00000001']]),
    ) as Docker.ContainerCreateOptions & {
      HostConfig: Docker.HostConfig & { Mounts: Docker.MountSettings[] }
    }
    expect(options).toMatchObject({
      Image: 'postgres:16',
      Env: ['POSTGRES_PASSWORD=secret'],
      Labels: { 'zapie.id': 'zapie-db-1' },
      Cmd: ['postgres'],
    })
    expect(options.HostConfig).toMatchObject({
      RestartPolicy: { Name: 'unless-stopped' },
      Memory: 536870912,
      PortBindings: inspect.HostConfig.PortBindings,
    })
    // The host-path bind stays; volume binds become explicit volume mounts.
    expect(options.HostConfig.Binds).toEqual(['/etc/localtime:/etc/localtime:ro'])
    expect(options.HostConfig.Mounts).toEqual([
      { Type: 'tmpfs', Target: '/run' },
      { Type: 'volume', Source: volumes[0]!.name, Target: '/anon', ReadOnly: false },
      { Type: 'volume', Source: 'other', Target: '/other', ReadOnly: true },
      {
        Type: 'volume',
        Source: 'zapie-db-1-data-r00000001',
        Target: '/var/lib/postgresql/data',
        ReadOnly: false,
        VolumeOptions: { NoCopy: true },
      },
    ])
    // The primary network at create (without the old container's id alias), the others after.
    expect(options.NetworkingConfig).toEqual({ EndpointsConfig: { 'zapie-net': { Aliases: ['db'] } } })
    expect(extraNetworks(inspect)).toEqual([['backend', { Aliases: ['pg'] }]])
  })

  it('names fresh volumes after the old ones, without piling up suffixes', () => {
    expect(freshVolumeName('svc', { name: 'svc-data', destination: '/data', readOnly: false }, '0000000a')).toBe(
      'svc-data-r0000000a',
    )
    expect(
      freshVolumeName('svc', { name: 'svc-data-r0000000a', destination: '/data', readOnly: false }, '0000000b'),
    ).toBe('svc-data-r0000000b')
    expect(
      freshVolumeName('svc', { name: 'f'.repeat(64), destination: '/var/lib/x', readOnly: false }, '0000000c'),
    ).toBe('svc-var-lib-x-r0000000c')
  })
})
