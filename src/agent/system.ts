import type Docker from 'dockerode'
import type { DockerStatus, SystemSummary } from './api/services'
import { toAppError } from './docker-errors'
import { MANAGED_FILTER } from './labels'

export async function dockerStatus(docker: Docker): Promise<DockerStatus> {
  try {
    const v = await docker.version()
    return { status: 'connected', version: v.Version, apiVersion: v.ApiVersion }
  } catch {
    return { status: 'disconnected', version: null, apiVersion: null }
  }
}

export async function systemSummary(docker: Docker): Promise<SystemSummary> {
  try {
    const [info, managed] = await Promise.all([
      docker.info() as Promise<Record<string, unknown>>,
      docker.listContainers({ all: true, filters: { label: [MANAGED_FILTER] } }),
    ])
    const n = (k: string) => Number(info[k] ?? 0)
    const s = (k: string) => String(info[k] ?? '')
    // Only facts that identify no network: Docker's info also has IPs and proxies; left out.
    return {
      containers: {
        total: n('Containers'),
        running: n('ContainersRunning'),
        paused: n('ContainersPaused'),
        stopped: n('ContainersStopped'),
        managed: managed.length,
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
  } catch (err) {
    throw toAppError(err)
  }
}
