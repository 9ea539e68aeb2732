import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createStores, type Stores } from '../../storage'
import { loadConfig } from '../../src/config'
import { auth } from '../helpers/app'
import {
  cleanupTestResources,
  createTestContainer,
  createTestVolume,
  dockerCli,
  inVolume,
  RUN_ID,
} from '../helpers/docker'
import { craftArchive, type CraftedEntry, type CraftOptions } from '../helpers/hostile-archive'
import { AGENT_MODES, appWithRealAgent } from '../helpers/real-agent'

afterAll(cleanupTestResources)

const dirs: string[] = []
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

const MiB = 1024 * 1024
const ROOT: CraftedEntry = { name: 'volumes/0/', type: 'directory', mode: 0o755 }
const KNOWN: CraftedEntry = { name: 'volumes/0/known.txt', mode: 0o644, body: 'from the archive\n' }

describe.each(AGENT_MODES)('restoring untrusted archives against the real engine [%s agent]', (mode) => {
  let ctx: Awaited<ReturnType<typeof appWithRealAgent>>
  let svc: Awaited<ReturnType<typeof createTestContainer>>
  let before: { state: string; known: string; volumes: string }
  let stores: Stores

  const upload = async (entries: CraftedEntry[], options?: CraftOptions) =>
    ctx.app.request(`/api/services/${svc.name}/backups/upload`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/octet-stream' },
      body: new Uint8Array(await craftArchive(entries, options)),
    })
  /** What a user would look at: the service's container and state, its data, the volumes on the host. */
  const observe = async () => ({
    state: await dockerCli('inspect', '--format', '{{.Id}} {{.State.Status}}', svc.name),
    known: await dockerCli('exec', svc.name, 'sha256sum', '/data/known.txt'),
    volumes: await dockerCli('volume', 'ls', '-q', '--filter', `label=zapie.test=${RUN_ID}`),
  })

  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'zapie-untrusted-'))
    dirs.push(dataDir)
    // The agent's own record store, so a test can make a record claim what its archive does not.
    stores = await createStores(loadConfig({ ZAPIE_STORAGE: 'memory' }))
    ctx = await appWithRealAgent(mode, { dataDir, stores, env: { ZAPIE_RESTORE_MAX_BYTES: String(4 * MiB) } })
    const volume = await createTestVolume()
    await inVolume(volume, 'echo original > /data/known.txt')
    svc = await createTestContainer({ volume: { name: volume, path: '/data' } })
    before = await observe()
    expect(before.state).toMatch(/ running$/)
  })
  afterAll(async () => ctx.close())

  it.each([
    [
      'a bomb whose honest manifest declares more than ZAPIE_RESTORE_MAX_BYTES',
      [ROOT, KNOWN, { name: 'volumes/0/zeros.bin', zeros: 16 * MiB }],
      {},
      413,
      'archive_too_large',
    ],
    [
      'a bomb whose manifest lies about its size',
      [ROOT, KNOWN, { name: 'volumes/0/zeros.bin', zeros: 3 * MiB }],
      { declare: [{ files: 2, bytes: 20 }] },
      413,
      'archive_too_large',
    ],
    [
      'a device node',
      [ROOT, KNOWN, { name: 'volumes/0/sda', type: 'block-device', devmajor: 8, devminor: 0, mode: 0o666 }],
      {},
      422,
      'unsafe_backup_archive',
    ],
    [
      'a file written through a symlink of the same archive',
      [
        ROOT,
        KNOWN,
        { name: 'volumes/0/s', type: 'symlink', linkname: '/tmp' },
        { name: 'volumes/0/s/dropped.txt', body: 'where does this go?' },
      ],
      {},
      422,
      'unsafe_backup_archive',
    ],
  ] as [string, CraftedEntry[], CraftOptions, number, string][])(
    'refuses %s, leaving the service running on its data and nothing stored',
    async (_, entries, options, status, code) => {
      const res = await upload(entries, options)
      expect(res.status, await res.clone().text()).toBe(status)
      expect(await res.json()).toMatchObject({ success: false, code })
      expect(await observe()).toEqual(before)
      expect(
        (await (await ctx.app.request(`/api/services/${svc.name}/backups`, { headers: auth })).json()).backups,
      ).toEqual([])
    },
  )

  it.each([
    ['less than its archive holds: extraction stops, the fresh volume goes (413)', 1, 413, 'archive_too_large'],
    ['more than the disk where Docker keeps volumes has free (507)', 2 ** 50, 507, 'insufficient_storage'],
  ])('refuses to restore a backup whose record declares %s', async (_, bytes, status, code) => {
    const made = await ctx.app.request(`/api/services/${svc.name}/backups?wait=true`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'tampered' }),
    })
    expect(made.status, await made.clone().text()).toBe(201)
    const { backup } = await made.json()
    const record = (await stores.backups.get(svc.name, backup.id))!
    await stores.backups.put({ ...record, volumes: record.volumes.map((v) => ({ ...v, bytes })) })
    const current = await observe()

    const res = await ctx.app.request(`/api/services/${svc.name}/backups/${backup.id}/restore`, {
      method: 'POST',
      headers: auth,
    })
    expect(res.status, await res.clone().text()).toBe(status)
    expect(await res.json()).toMatchObject({ success: false, code })
    expect(await observe()).toEqual(current)
    expect(await dockerCli('ps', '-aq', '--filter', `label=zapie.restore-helper=${backup.id}`)).toBe('')
  })

  it('restores an upload holding a setuid-root file without its setuid bit', async () => {
    const res = await upload([
      ROOT,
      KNOWN,
      { name: 'volumes/0/suid-shell', mode: 0o4755, uid: 0, gid: 0, body: '#!/bin/sh\nexec sh\n' },
      { name: 'volumes/0/shared/', type: 'directory', mode: 0o2775 },
    ])
    expect(res.status, await res.clone().text()).toBe(201)
    const modes = await dockerCli('exec', svc.name, 'stat', '-c', '%n %a %u', '/data/suid-shell', '/data/shared')
    expect(modes.split('\n')).toEqual(['/data/suid-shell 755 0', '/data/shared 2775 0'])
    expect(await dockerCli('exec', svc.name, 'cat', '/data/known.txt')).toBe('from the archive')
  })
})
