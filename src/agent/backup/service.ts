import type Docker from 'dockerode'
import { isSafeId } from '../../../storage/keys'
import { unprocessable } from '../../errors'
import { toAppError } from '../docker-errors'
import { resolveService, serviceIdOf } from '../services'

export interface DataVolume {
  /** The Docker volume's name (named or anonymous); never a host path. */
  name: string
  destination: string
  readOnly: boolean
}

/** A managed service as the backup engine sees it: its identity, full config and data volumes. */
export interface ServiceTarget {
  serviceId: string
  containerId: string
  /** The container name, without Docker's leading slash. */
  name: string
  container: Docker.Container
  inspect: Docker.ContainerInspectInfo
  volumes: DataVolume[]
}

/**
 * A service id as backups use it: a directory name and a storage key. Ids come from the
 * `zapie.id` label, which whoever created the container chose, so they are checked here.
 */
export function backupServiceId(info: Parameters<typeof serviceIdOf>[0]): string {
  const serviceId = serviceIdOf(info)
  if (!isSafeId(serviceId)) throw unprocessable(`Service id '${serviceId.slice(0, 64)}' cannot name a backup directory`)
  return serviceId
}

/**
 * Resolves `ref` among managed containers (404 otherwise) and inspects it. Only Docker volumes
 * hold service data for backups: bind mounts are host paths and are left alone.
 */
export async function loadService(docker: Docker, ref: string, signal?: AbortSignal): Promise<ServiceTarget> {
  const info = await resolveService(docker, ref, signal)
  const container = docker.getContainer(info.Id)
  const inspect = await container.inspect().catch((err) => {
    throw toAppError(err, 'service')
  })
  const volumes = (inspect.Mounts ?? [])
    .filter((m) => m.Type === 'volume' && m.Name)
    .map((m) => ({ name: m.Name as string, destination: m.Destination, readOnly: !m.RW }))
    .sort((a, b) => a.destination.localeCompare(b.destination))
  return {
    serviceId: backupServiceId(info),
    containerId: info.Id,
    name: inspect.Name.replace(/^\//, ''),
    container,
    inspect,
    volumes,
  }
}
