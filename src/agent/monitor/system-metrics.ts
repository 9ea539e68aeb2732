import { readFile } from 'node:fs/promises'
import os from 'node:os'
import { join } from 'node:path'
import type Docker from 'dockerode'
import type { SystemMetrics } from '../../schemas/monitoring'
import { toAppError } from '../docker-errors'
import { diskUsage, parseMeminfo, type HostCpu } from './host-stats'

export interface SystemMetricsDeps {
  docker: Docker
  hostCpu: Pick<HostCpu, 'sample'>
  procRoot: string
  backupDir: string
  managedCount: () => number
}

/**
 * The host at a glance: CPU (from /proc/stat deltas), load, memory, disk use of Docker's data
 * root and of the backup directory, container counts and the Docker version. No IP or MAC
 * addresses and no host name: nothing here identifies the machine on a network.
 */
export function createSystemMetrics(deps: SystemMetricsDeps) {
  let version: { at: number; value: { version: string | null; apiVersion: string | null } } | null = null

  async function dockerVersion() {
    // The version changes only when the engine is upgraded: asked at most once a minute.
    if (version && Date.now() - version.at < 60_000) return version.value
    const v = await deps.docker.version()
    version = { at: Date.now(), value: { version: v.Version ?? null, apiVersion: v.ApiVersion ?? null } }
    return version.value
  }

  return async function systemMetrics(): Promise<SystemMetrics> {
    let info: Record<string, unknown>
    let engine: { version: string | null; apiVersion: string | null }
    try {
      ;[info, engine] = await Promise.all([deps.docker.info() as Promise<Record<string, unknown>>, dockerVersion()])
    } catch (err) {
      throw toAppError(err)
    }
    const n = (k: string) => Number(info[k] ?? 0)
    const [cpu, meminfo, dockerRoot, backups] = await Promise.all([
      deps.hostCpu.sample(),
      readFile(join(deps.procRoot, 'meminfo'), 'utf8').catch(() => ''),
      typeof info.DockerRootDir === 'string' ? diskUsage(info.DockerRootDir) : Promise.resolve(null),
      diskUsage(deps.backupDir),
    ])
    const mem = parseMeminfo(meminfo)
    const [l1, l5, l15] = os.loadavg()
    const used = mem.total - mem.available
    return {
      timestamp: new Date().toISOString(),
      cpu: { percentage: cpu, cores: os.cpus().length },
      load: { '1m': l1 ?? 0, '5m': l5 ?? 0, '15m': l15 ?? 0 },
      memory: {
        total: mem.total,
        used,
        available: mem.available,
        percentage: mem.total ? Math.round((used / mem.total) * 10_000) / 100 : 0,
      },
      disk: { dockerRoot, backups },
      containers: {
        total: n('Containers'),
        running: n('ContainersRunning'),
        paused: n('ContainersPaused'),
        stopped: n('ContainersStopped'),
        managed: deps.managedCount(),
      },
      docker: engine,
      uptimeSeconds: Math.floor(os.uptime()),
    }
  }
}
