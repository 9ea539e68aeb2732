import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import {
  detectCgroupVersion,
  locateCgroup,
  parseBlkioV1,
  parseIoStatV2,
  readCgroupCounters,
} from '../../src/agent/monitor/cgroup'
import { countersFromPayload, type StatsPayload } from '../../src/agent/monitor/docker-stats'
import { parseNetDev } from '../../src/agent/monitor/proc-net'

const FIXTURES = join(import.meta.dirname, '../fixtures/stats')
const tree = (name: string) => {
  const root = join(FIXTURES, name)
  const read = (f: string) => readFileSync(join(root, f), 'utf8').trim()
  return { root, paths: { root, proc: join(root, 'proc') }, id: read('id'), pid: Number(read('pid')) }
}
const payload = (name: string) => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as StatsPayload
const HOST_MEMORY = 25_325_268_992

describe('cgroup v1 (recorded from this engine: cgroupfs driver)', () => {
  const v1 = tree('cgroup-v1')

  it('is detected, and the container found through /proc/<pid>/cgroup', async () => {
    expect(await detectCgroupVersion(v1.root)).toBe(1)
    const loc = await locateCgroup(v1.paths, 1, v1.id, v1.pid)
    expect(loc).toMatchObject({
      version: 1,
      cpu: join(v1.root, 'cpuacct/docker', v1.id),
      memory: join(v1.root, 'memory/docker', v1.id),
    })
  })

  it('reads the same numbers Docker reported for the same container', async () => {
    const loc = (await locateCgroup(v1.paths, 1, v1.id, v1.pid))!
    const files = await readCgroupCounters(loc, {
      netPid: v1.pid,
      procRoot: v1.paths.proc,
      hostMemory: HOST_MEMORY,
      now: 1,
    })
    const api = countersFromPayload(payload('v1-cgroup-twin.json'))!
    expect(files).toMatchObject({
      cpuNanos: api.cpuNanos,
      memUsage: api.memUsage,
      memInactiveFile: api.memInactiveFile,
      memLimit: api.memLimit,
      pids: api.pids,
      blkRead: 0,
      blkWrite: 0,
    })
    // network none: only loopback, which does not count.
    expect([files.netRx, files.netTx]).toEqual([0, 0])
  })

  it('leaves network unknown for a host-network container', async () => {
    const loc = (await locateCgroup(v1.paths, 1, v1.id, v1.pid))!
    const files = await readCgroupCounters(loc, {
      netPid: null,
      procRoot: v1.paths.proc,
      hostMemory: HOST_MEMORY,
      now: 1,
    })
    expect(files.netRx).toBeNull()
  })
})

describe('cgroup v2 (constructed: systemd driver)', () => {
  const v2 = tree('cgroup-v2')

  it('is detected and located under system.slice/docker-<id>.scope', async () => {
    expect(await detectCgroupVersion(v2.root)).toBe(2)
    const loc = await locateCgroup(v2.paths, 2, v2.id, v2.pid)
    expect(loc?.cpu).toBe(join(v2.root, `system.slice/docker-${v2.id}.scope`))
  })

  it('reads what the API would report in the v2 shape', async () => {
    const loc = (await locateCgroup(v2.paths, 2, v2.id, v2.pid))!
    const files = await readCgroupCounters(loc, {
      netPid: v2.pid,
      procRoot: v2.paths.proc,
      hostMemory: HOST_MEMORY,
      now: 1,
    })
    const api = countersFromPayload(payload('v2-constructed-a.json'))!
    for (const key of [
      'cpuNanos',
      'memUsage',
      'memInactiveFile',
      'memLimit',
      'blkRead',
      'blkWrite',
      'pids',
      'netRx',
      'netTx',
    ] as const) {
      expect(files[key], key).toBe(api[key])
    }
  })
})

describe('finding a cgroup', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'zapie-cgroup-'))
  afterAll(() => rmSync(scratch, { recursive: true, force: true }))
  const id = 'a'.repeat(64)

  it('finds the cgroupfs path on a v2 host without a pid, and nothing for an unknown container (remote engine)', async () => {
    const dir = join(scratch, 'docker', id)
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(scratch, 'cgroup.controllers'), 'cpu memory\n')
    writeFileSync(join(dir, 'cpu.stat'), 'usage_usec 1\n')
    const paths = { root: scratch, proc: join(scratch, 'proc') }
    expect((await locateCgroup(paths, 2, id, null))?.cpu).toBe(dir)
    expect(await locateCgroup(paths, 2, 'b'.repeat(64), 4242)).toBeNull()
  })

  it("ignores a pid whose cgroup does not name the container (another host's pid)", async () => {
    const proc = join(scratch, 'proc2')
    mkdirSync(join(proc, '77'), { recursive: true })
    writeFileSync(join(proc, '77', 'cgroup'), '0::/user.slice/session-1.scope\n')
    mkdirSync(join(scratch, 'user.slice/session-1.scope'), { recursive: true })
    writeFileSync(join(scratch, 'user.slice/session-1.scope/cpu.stat'), 'usage_usec 1\n')
    expect(await locateCgroup({ root: scratch, proc }, 2, 'c'.repeat(64), 77)).toBeNull()
  })

  it('reports the host memory for an unlimited container', async () => {
    const dir = join(scratch, 'docker', id)
    writeFileSync(join(dir, 'memory.current'), '1000\n')
    writeFileSync(join(dir, 'memory.max'), 'max\n')
    writeFileSync(join(dir, 'memory.stat'), 'inactive_file 10\n')
    const c = await readCgroupCounters(
      { version: 2, cpu: dir, memory: dir, io: dir, pids: dir },
      { netPid: null, procRoot: scratch, hostMemory: 4096, now: 0 },
    )
    expect(c).toMatchObject({ memLimit: 4096, memUsage: 1000, memInactiveFile: 10, blkRead: 0, pids: null })
  })
})

describe('file parsers', () => {
  it('sum v1 blkio lines per op, whatever the case', () => {
    expect(
      parseBlkioV1(
        '8:0 Read 4096\n8:0 Write 100\n8:0 Sync 4196\n8:0 Total 4196\n8:16 read 4\n8:16 WRITE 1\nTotal 4201\n',
      ),
    ).toEqual({ read: 4100, write: 101 })
  })

  it('sum v2 io.stat rbytes and wbytes over devices', () => {
    expect(parseIoStatV2('8:0 rbytes=10 wbytes=20 rios=1 wios=2\n8:16 rbytes=1 wbytes=2 dbytes=5\n')).toEqual({
      read: 11,
      write: 22,
    })
  })

  it('sum /proc/net/dev without loopback', () => {
    const text = readFileSync(join(FIXTURES, 'cgroup-v2/proc/4242/net/dev'), 'utf8')
    expect(parseNetDev(text)).toEqual({ rx: 10000, tx: 5000 })
    expect(parseNetDev(`${text}  eth1: 5 0 0 0 0 0 0 0 7 0 0 0 0 0 0 0\n`)).toEqual({ rx: 10005, tx: 5007 })
  })
})
