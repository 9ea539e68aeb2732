import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs'
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
    expect(await enforceHostBinds(bind(join(root, 'allowed/relative')), allow())).toEqual([join(root, 'allowed/real/deeper')])
  })

  it('refuses with 422 and the rule a link breaks', async () => {
    await expect(enforceHostBinds(bind(join(root, 'allowed/hostroot')), allow())).rejects.toMatchObject({ status: 422, code: 'host_root' })
    await expect(enforceHostBinds(bind(join(root, 'allowed/dangling')), allow())).rejects.toMatchObject({
      status: 422,
      code: 'bind_not_allowed',
      details: [expect.objectContaining({ path: 'volumes.0', code: 'bind_not_allowed' })],
    })
    await expect(enforceHostBinds(bind(join(root, 'allowed/loop-a')), allow())).rejects.toMatchObject({ status: 422, code: 'bind_unresolvable' })
  })

  it('counts an allow-list entry that is a link where it leads, and one that leads to / as nothing', async () => {
    expect(await enforceHostBinds(bind(join(root, 'allowed-link/real')), [join(root, 'allowed-link')])).toEqual([join(root, 'allowed/real')])
    const danger = join(root, 'allowed/hostroot')
    await expect(enforceHostBinds(bind(join(danger, 'etc')), [danger])).rejects.toMatchObject({ status: 422, code: 'bind_not_allowed' })
  })
})

describe('hostBindsOf', () => {
  it('lists host directories from Binds and Mounts, not volume names', () => {
    const inspect = {
      HostConfig: {
        Binds: ['data:/data', '/srv/a:/a:ro'],
        Mounts: [{ Type: 'volume', Source: 'v', Target: '/v' }, { Type: 'bind', Source: '/srv/b', Target: '/b' }],
      },
    } as never
    expect(hostBindsOf(inspect)).toEqual([
      { source: '/srv/a', where: 'HostConfig.Binds.1' },
      { source: '/srv/b', where: 'HostConfig.Mounts.1' },
    ])
  })
})
