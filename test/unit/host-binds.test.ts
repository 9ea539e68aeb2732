import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { enforceHostBinds, hostBindsOf } from '../../src/agent/host-binds'
import { resolveHostPath } from '../../src/agent/host-path'

let root: string
beforeAll(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'zapie-host-path-')))
  mkdirSync(join(root, 'allowed/real/deeper'), { recursive: true })
  mkdirSync(join(root, 'elsewhere'))
  symlinkSync('/', join(root, 'allowed/hostroot'))
  symlinkSync('real/deeper', join(root, 'allowed/relative'))
  symlinkSync(join(root, 'elsewhere/not-yet/ssh'), join(root, 'allowed/dangling'))
  symlinkSync('loop-b', join(root, 'allowed/loop-a'))
  symlinkSync('loop-a', join(root, 'allowed/loop-b'))
  symlinkSync(join(root, 'allowed'), join(root, 'allowed-link'))
})
afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('resolveHostPath', () => {
  it('follows links the way the kernel does, `..` included', async () => {
    expect(await resolveHostPath(join(root, 'allowed/hostroot'))).toBe('/')
    expect(await resolveHostPath(join(root, 'allowed/hostroot/etc'))).toBe('/etc')
    expect(await resolveHostPath(join(root, 'allowed/relative'))).toBe(join(root, 'allowed/real/deeper'))
    // `..` after a link climbs from where the link led, not from its spelling.
    expect(await resolveHostPath(`${root}/allowed/relative/../../hostroot/..`)).toBe('/')
  })

  it('resolves the deepest existing ancestor of a missing path and appends the rest', async () => {
    expect(await resolveHostPath(join(root, 'allowed-link/real/new/dir'))).toBe(join(root, 'allowed/real/new/dir'))
  })

  it('follows a dangling link to where it points', async () => {
    expect(await resolveHostPath(join(root, 'allowed/dangling'))).toBe(join(root, 'elsewhere/not-yet/ssh'))
  })

  it('gives up on a link loop', async () => {
    await expect(resolveHostPath(join(root, 'allowed/loop-a'))).rejects.toMatchObject({ code: 'ELOOP' })
  })
})

describe('enforceHostBinds', () => {
  const allow = () => [join(root, 'allowed')]
  const bind = (source: string) => [{ source, where: 'volumes.0' }]

  it('answers the real path of an allowed bind', async () => {
    expect(await enforceHostBinds(bind(join(root, 'allowed/relative')), allow())).toEqual([
      join(root, 'allowed/real/deeper'),
    ])
  })

  it('refuses with 422 and the rule a link breaks', async () => {
    await expect(enforceHostBinds(bind(join(root, 'allowed/hostroot')), allow())).rejects.toMatchObject({
      status: 422,
      code: 'host_root',
    })
    await expect(enforceHostBinds(bind(join(root, 'allowed/dangling')), allow())).rejects.toMatchObject({
      status: 422,
      code: 'bind_not_allowed',
      details: [expect.objectContaining({ path: 'volumes.0', code: 'bind_not_allowed' })],
    })
    await expect(enforceHostBinds(bind(join(root, 'allowed/loop-a')), allow())).rejects.toMatchObject({
      status: 422,
      code: 'bind_unresolvable',
    })
  })

  it('counts an allow-list entry that is a link where it leads, and one that leads to / as nothing', async () => {
    expect(await enforceHostBinds(bind(join(root, 'allowed-link/real')), [join(root, 'allowed-link')])).toEqual([
      join(root, 'allowed/real'),
    ])
    const danger = join(root, 'allowed/hostroot')
    await expect(enforceHostBinds(bind(join(danger, 'etc')), [danger])).rejects.toMatchObject({
      status: 422,
      code: 'bind_not_allowed',
    })
  })
})

describe('hostBindsOf', () => {
  it('lists host directories from Binds and Mounts, not volume names', () => {
    const inspect = {
      HostConfig: {
        Binds: ['data:/data', '/srv/a:/a:ro'],
        Mounts: [
          { Type: 'volume', Source: 'v', Target: '/v' },
          { Type: 'bind', Source: '/srv/b', Target: '/b' },
        ],
      },
    } as never
    expect(hostBindsOf(inspect)).toEqual([
      { source: '/srv/a', where: 'HostConfig.Binds.1' },
      { source: '/srv/b', where: 'HostConfig.Mounts.1' },
    ])
  })
})

describe('resolveHostPath: spelling and limits', () => {
  let base: string
  beforeAll(() => {
    base = realpathSync(mkdtempSync(join(tmpdir(), 'zapie-host-path-more-')))
    mkdirSync(join(base, 'dir/sub'), { recursive: true })
    writeFileSync(join(base, 'dir/file'), 'x')
    // A chain of 41 links: l0 -> l1 -> … -> l40 -> dir/sub.
    symlinkSync('dir/sub', join(base, 'l40'))
    for (let i = 39; i >= 0; i--) symlinkSync(`l${i + 1}`, join(base, `l${i}`))
  })
  afterAll(() => rmSync(base, { recursive: true, force: true }))

  it('drops empty and `.` segments of an existing path', async () => {
    expect(await resolveHostPath(`${base}//dir/./sub/`)).toBe(join(base, 'dir/sub'))
    expect(await resolveHostPath(`/.//${base.slice(1)}/dir//.`)).toBe(join(base, 'dir'))
  })

  it('spells the missing rest of a path plainly: no empty or `.` segments, `..` climbs', async () => {
    expect(await resolveHostPath(`${base}/dir/new//a/./b/../c/`)).toBe(join(base, 'dir/new/a/c'))
    expect(await resolveHostPath(`${base}/gone/../../x`)).toBe(join(base, '../x'))
  })

  it('follows 40 links, as Linux does, and refuses the 41st with ELOOP naming the path', async () => {
    expect(await resolveHostPath(join(base, 'l1'))).toBe(join(base, 'dir/sub'))
    await expect(resolveHostPath(join(base, 'l0'))).rejects.toMatchObject({
      code: 'ELOOP',
      message: `Too many symbolic links in '${join(base, 'l0')}'`,
    })
  })

  it('throws the fs error for a component that is not a directory, rather than guessing', async () => {
    await expect(resolveHostPath(join(base, 'dir/file/x'))).rejects.toMatchObject({ code: 'ENOTDIR' })
    await expect(resolveHostPath(join(base, 'dir/file/missing/deeper'))).rejects.toMatchObject({ code: 'ENOTDIR' })
  })
})

describe('enforceHostBinds: each rule and what it says', () => {
  const allow = () => [join(root, 'allowed')]
  const one = (source: string) => [{ source, where: 'HostConfig.Binds.2' }]
  beforeAll(() => symlinkSync('/var', join(root, 'allowed/var-link')))

  it('has nothing to check without binds', async () => {
    expect(await enforceHostBinds([], allow())).toEqual([])
  })

  it('refuses a bad spelling before resolving anything, naming the bind', async () => {
    await expect(enforceHostBinds(one('relative/dir'), allow())).rejects.toMatchObject({
      status: 422,
      code: 'invalid_bind',
      details: [expect.objectContaining({ path: 'HostConfig.Binds.2', code: 'invalid_bind' })],
    })
    // Spelled as a Docker socket inside an allowed directory: refused as the socket, not as a missing path.
    await expect(enforceHostBinds(one(join(root, 'allowed/docker.sock')), allow())).rejects.toMatchObject({
      status: 422,
      code: 'docker_socket',
    })
  })

  it('names the spelled source and the real path it leads to', async () => {
    const source = join(root, 'allowed/hostroot')
    await expect(enforceHostBinds(one(source), allow())).rejects.toMatchObject({
      message: `Host bind mount '${source}' leads to '/' on the agent's host: Mounting the host directory '/' is never allowed`,
    })
    const loop = join(root, 'allowed/loop-a')
    await expect(enforceHostBinds(one(loop), allow())).rejects.toMatchObject({
      code: 'bind_unresolvable',
      message: `Host bind mount '${loop}' cannot be resolved on the agent's host (ELOOP)`,
      details: [{ path: 'HostConfig.Binds.2', code: 'bind_unresolvable', message: expect.stringContaining('ELOOP') }],
    })
  })

  it('lists only the real, usable allow-list entries when a bind is not under any', async () => {
    const entries = [join(root, 'allowed/loop-a'), join(root, 'allowed-link'), join(root, 'allowed/hostroot')]
    await expect(enforceHostBinds(one(join(root, 'allowed-link/dangling')), entries)).rejects.toMatchObject({
      code: 'bind_not_allowed',
      message: expect.stringContaining(`(ZAPIE_BIND_MOUNT_ALLOWLIST: ${join(root, 'allowed')}); use a named volume`),
    })
    // An unresolvable entry allows nothing, and does not stop the others from allowing.
    expect(await enforceHostBinds(one(join(root, 'allowed-link/real')), entries)).toEqual([join(root, 'allowed/real')])
  })

  it('does not let an allow-list entry that leads to a never-allowed directory allow below it', async () => {
    const entry = join(root, 'allowed/var-link')
    await expect(enforceHostBinds(one(join(entry, 'tmp')), [entry])).rejects.toMatchObject({
      status: 422,
      code: 'bind_not_allowed',
    })
  })

  it('answers every bind in order, and stops at the first one refused', async () => {
    const binds = [
      { source: join(root, 'allowed/real'), where: 'volumes.0' },
      { source: join(root, 'allowed/relative'), where: 'volumes.1' },
    ]
    expect(await enforceHostBinds(binds, allow())).toEqual([
      join(root, 'allowed/real'),
      join(root, 'allowed/real/deeper'),
    ])
    await expect(
      enforceHostBinds([...binds, { source: join(root, 'allowed/hostroot'), where: 'volumes.2' }], allow()),
    ).rejects.toMatchObject({ details: [expect.objectContaining({ path: 'volumes.2' })] })
  })
})

describe('hostBindsOf: containers without binds', () => {
  it('lists nothing when neither Binds nor Mounts is set, and skips a bind mount without a source', () => {
    expect(hostBindsOf({ HostConfig: {} } as never)).toEqual([])
    expect(
      hostBindsOf({ HostConfig: { Binds: null, Mounts: [{ Type: 'bind', Source: '', Target: '/x' }] } } as never),
    ).toEqual([])
    expect(hostBindsOf({ HostConfig: { Binds: ['/srv/a:/a'] } } as never)).toEqual([
      { source: '/srv/a', where: 'HostConfig.Binds.0' },
    ])
  })
})
