import type Docker from 'dockerode'
import type { RemoveResult } from '../schemas/service'
import { isStatus, toAppError } from './docker-errors'
import type { BackupEngine } from './backup/engine'
import type { AgentContext } from './context'
import type { Inventory } from './monitor/inventory'
import type { ForgetService } from './forget'
import { containerNameOf, resolveService, serviceIdOf } from './services'

/**
 * Stops and removes a service. Its named volumes hold the user's data: they are kept unless
 * `keepData` is false, and even then a volume another container still uses is kept. Its
 * schedule, monitor state and alerts go with it; its backups stay unless `deleteBackups`.
 * Holds the service's operation lock: a delete during a restore would be undone by the
 * restore's rollback, and the volume it reported kept would be gone.
 */
export type RemoveDeps = Pick<AgentContext, 'docker' | 'events' | 'limit' | 'locks'> & {
  forget: ForgetService
  recovery: Pick<BackupEngine, 'ready'>
  /** The reads' inventory: a removed service leaves it at once. */
  inventory: Pick<Inventory, 'drop'>
}

export async function removeService(
  ctx: RemoveDeps,
  ref: string,
  options: { keepData: boolean; deleteBackups?: boolean; signal?: AbortSignal },
): Promise<RemoveResult> {
  // Requests are served while crash recovery puts interrupted restores right: wait for it.
  await ctx.recovery.ready
  // Refused before resolving: mid-restore the service may be parked under another name.
  ctx.locks.assertFree(ref)
  const info = await resolveService(ctx.docker, ref, options.signal)
  const base = {
    action: 'delete',
    containerId: info.Id,
    serviceId: serviceIdOf(info),
    serviceName: containerNameOf(info),
  }
  const release = ctx.locks.acquire(base.serviceId, 'delete')
  ctx.events.publish('service-action', { ...base, status: 'in-progress', message: 'delete requested' })
  try {
    const container = ctx.docker.getContainer(info.Id)
    const volumes = (info.Mounts ?? []).filter((m) => m.Type === 'volume' && m.Name).map((m) => m.Name as string)
    await ctx.limit(async () => {
      await container.stop({ t: 10 }).catch((err) => {
        if (!isStatus(err, 304)) throw err
      })
      // v: true also removes anonymous volumes, which nothing else could ever reach again.
      await container.remove({ v: !options.keepData })
    })
    // Gone from the reads at once, not when the destroy event arrives.
    ctx.inventory.drop(info.Id)
    const volumesRemoved: string[] = []
    const volumesKept: string[] = []
    for (const name of volumes) {
      if (options.keepData || !(await removeVolume(ctx.docker, name))) volumesKept.push(name)
      else volumesRemoved.push(name)
    }
    const leftovers = await ctx.forget(base.serviceId, { deleteBackups: options.deleteBackups ?? false })
    const result: RemoveResult = { removed: true, volumesRemoved, volumesKept, ...leftovers }
    ctx.events.publish('service-action', { ...base, status: 'completed', message: 'Service deleted', ...result })
    return result
  } catch (err) {
    const error = toAppError(err)
    ctx.events.publish('service-action', { ...base, status: 'failed', message: error.message, code: error.code })
    throw error
  } finally {
    release()
  }
}

async function removeVolume(docker: Docker, name: string): Promise<boolean> {
  try {
    await docker.getVolume(name).remove()
    return true
  } catch (err) {
    // 409: still in use by another container; 404: already gone with the container.
    if (isStatus(err, 404)) return true
    if (isStatus(err, 409)) return false
    throw err
  }
}
