import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseKeyValues, toNumber, type RawCounters } from './counters'
import { parseNetDev } from './proc-net'

export type CgroupVersion = 1 | 2

/** Where one container's counters live. */
export interface CgroupLocation {
  version: CgroupVersion
  /** v1: one directory per controller; v2: the same unified directory for all. */
  cpu: string
  memory: string
  io: string
  pids: string
}

export interface CgroupPaths {
  /** `/sys/fs/cgroup` on a real host; a fixture tree in tests. */
  root: string
  /** `/proc` on a real host. */
  proc: string
}

/*
 * Synchronous reads on purpose: cgroupfs and procfs are kernel pseudo-files answered from memory,
 * never from a disk, so a read takes microseconds. The promise API would cost a thread-pool round
 * trip and a FileHandle per file — several times the work, for ~7 files per container per tick.
 */
const exists = (path: string) => existsSync(path)

/** cgroup v2 has `cgroup.controllers` at its root; a v1 (or hybrid) host has one tree per controller. */
export async function detectCgroupVersion(root: string): Promise<CgroupVersion | null> {
  if (exists(join(root, 'cgroup.controllers'))) return 2
  if (exists(join(root, 'cpuacct')) || exists(join(root, 'cpu,cpuacct'))) return 1
  return null
}

/**
 * Finds a container's cgroup directories. First from `/proc/<pid>/cgroup` of its init process —
 * this covers both drivers (cgroupfs: `/docker/<id>`, systemd: `/system.slice/docker-<id>.scope`)
 * and custom cgroup parents — and only when that path names the container, so a pid from a
 * remote engine is never mistaken for a local process. Then the usual places. Null when the
 * agent cannot see the container's cgroup (remote or rootless engine): use the API instead.
 */
export async function locateCgroup(
  paths: CgroupPaths,
  version: CgroupVersion,
  containerId: string,
  pid: number | null,
): Promise<CgroupLocation | null> {
  const candidates: string[] = []
  if (pid && pid > 0) {
    const text = readOptional(join(paths.proc, String(pid)), 'cgroup') ?? ''
    for (const line of text.split('\n')) {
      const [, controllers, path] = line.split(':')
      if (!path?.includes(containerId)) continue
      if (version === 2 && controllers === '') candidates.push(path)
      if (version === 1 && controllers?.split(',').includes('cpuacct')) candidates.push(path)
    }
  }
  candidates.push(`/docker/${containerId}`, `/system.slice/docker-${containerId}.scope`)
  for (const path of candidates) {
    const location = version === 2 ? v2Location(paths.root, path) : v1Location(paths.root, path)
    if (exists(version === 2 ? join(location.cpu, 'cpu.stat') : join(location.cpu, 'cpuacct.usage'))) return location
  }
  return null
}

const v2Location = (root: string, path: string): CgroupLocation => {
  const dir = join(root, path)
  return { version: 2, cpu: dir, memory: dir, io: dir, pids: dir }
}

const v1Location = (root: string, path: string): CgroupLocation => ({
  version: 1,
  cpu: join(root, 'cpuacct', path),
  memory: join(root, 'memory', path),
  io: join(root, 'blkio', path),
  pids: join(root, 'pids', path),
})

const read = (dir: string, file: string) => readFileSync(join(dir, file), 'utf8')
const readOptional = (dir: string, file: string): string | null => {
  try {
    return read(dir, file)
  } catch {
    return null
  }
}

export interface ReadOptions {
  /** The container's init pid, for its network namespace; null skips network (host network mode). */
  netPid: number | null
  procRoot: string
  hostMemory: number
  /** Monotonic milliseconds now. */
  now: number
}

/** Reads a container's counters from its cgroup files: microseconds of work, no daemon involved. */
export async function readCgroupCounters(location: CgroupLocation, options: ReadOptions): Promise<RawCounters> {
  const counters = location.version === 1 ? readV1(location, options.hostMemory) : readV2(location, options.hostMemory)
  const netText = options.netPid ? readOptional(join(options.procRoot, String(options.netPid), 'net'), 'dev') : null
  const totals = netText === null ? null : parseNetDev(netText)
  return { ...counters, at: options.now, netRx: totals?.rx ?? null, netTx: totals?.tx ?? null }
}

type Base = Omit<RawCounters, 'at' | 'netRx' | 'netTx'>

function readV1(loc: CgroupLocation, hostMemory: number): Base {
  const cpu = read(loc.cpu, 'cpuacct.usage')
  const usage = read(loc.memory, 'memory.usage_in_bytes')
  const limit = read(loc.memory, 'memory.limit_in_bytes')
  const stat = read(loc.memory, 'memory.stat')
  const io = readOptional(loc.io, 'blkio.throttle.io_service_bytes_recursive')
  const pids = readOptional(loc.pids, 'pids.current')
  const mem = parseKeyValues(stat)
  const blk = parseBlkioV1(io ?? '')
  return {
    cpuNanos: toNumber(cpu),
    memUsage: toNumber(usage),
    memInactiveFile: mem.get('total_inactive_file') ?? mem.get('inactive_file') ?? 0,
    // "Unlimited" is a huge page-aligned number; Docker reports the host's memory instead.
    memLimit: Math.min(toNumber(limit) || hostMemory, hostMemory),
    blkRead: blk.read,
    blkWrite: blk.write,
    pids: pids === null ? null : toNumber(pids),
  }
}

function readV2(loc: CgroupLocation, hostMemory: number): Base {
  const cpu = read(loc.cpu, 'cpu.stat')
  const usage = read(loc.memory, 'memory.current')
  const max = readOptional(loc.memory, 'memory.max')
  const stat = read(loc.memory, 'memory.stat')
  const io = readOptional(loc.io, 'io.stat')
  const pids = readOptional(loc.pids, 'pids.current')
  const mem = parseKeyValues(stat)
  const limit = max === null || max.trim() === 'max' ? hostMemory : toNumber(max)
  const blk = parseIoStatV2(io ?? '')
  return {
    cpuNanos: (parseKeyValues(cpu).get('usage_usec') ?? 0) * 1000,
    memUsage: toNumber(usage),
    memInactiveFile: mem.get('inactive_file') ?? 0,
    memLimit: Math.min(limit || hostMemory, hostMemory),
    blkRead: blk.read,
    blkWrite: blk.write,
    pids: pids === null ? null : toNumber(pids),
  }
}

/** `8:0 Read 4096` lines (plus Write, Sync, Async, Discard, Total); op names compared without case. */
export function parseBlkioV1(text: string): { read: number; write: number } {
  let read = 0
  let write = 0
  for (const line of text.split('\n')) {
    const [device, op, value] = line.trim().split(/\s+/)
    if (!device || !op || value === undefined) continue
    if (op.toLowerCase() === 'read') read += toNumber(value)
    else if (op.toLowerCase() === 'write') write += toNumber(value)
  }
  return { read, write }
}

/** `8:0 rbytes=4096 wbytes=0 rios=1 wios=0 dbytes=0 dios=0` lines. */
export function parseIoStatV2(text: string): { read: number; write: number } {
  let read = 0
  let write = 0
  for (const line of text.split('\n')) {
    for (const field of line.trim().split(/\s+/).slice(1)) {
      const [key, value] = field.split('=')
      if (key === 'rbytes') read += toNumber(value)
      else if (key === 'wbytes') write += toNumber(value)
    }
  }
  return { read, write }
}
