import type { SystemSummary } from './api/services'
import type { EngineFacts } from './engine-facts'

/**
 * Host facts from the cached engine info; `managed` from the agent's inventory (kept current by
 * events). The host-wide counts are as fresh as the cached info (see engine-facts.ts): other
 * people's containers send no events this agent follows.
 */
export function createSystemSummary(engine: EngineFacts, managed: () => Promise<number>) {
  // The same object while the cached info and the count are the same: the health check can
  // then keep its serialised answer (handlers/health/get.ts).
  let last: { info: object; managed: number; summary: SystemSummary } | undefined
  return async (): Promise<SystemSummary> => {
    const [info, managedCount] = await Promise.all([engine.info(), managed()])
    if (last?.info !== info || last.managed !== managedCount)
      last = { info, managed: managedCount, summary: summaryOf(info, managedCount) }
    return last.summary
  }
}

function summaryOf(info: Record<string, unknown>, managedCount: number): SystemSummary {
  const n = (k: string) => Number(info[k] ?? 0)
  const s = (k: string) => String(info[k] ?? '')
  // Only facts that identify no network: Docker's info also has IPs and proxies; left out.
  return {
    containers: {
      total: n('Containers'),
      running: n('ContainersRunning'),
      paused: n('ContainersPaused'),
      stopped: n('ContainersStopped'),
      managed: managedCount,
    },
    images: n('Images'),
    host: {
      name: s('Name'),
      os: s('OperatingSystem'),
      kernel: s('KernelVersion'),
      architecture: s('Architecture'),
      cpus: n('NCPU'),
      memoryBytes: n('MemTotal'),
      dockerRootDir: s('DockerRootDir'),
      cgroupVersion: info.CgroupVersion ? s('CgroupVersion') : null,
    },
  }
}
