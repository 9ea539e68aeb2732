import type Docker from 'dockerode'
import { AppError } from '../errors'
import type { ServiceSummary } from '../schemas/service'
import type { BackupEngine } from './backup/engine'
import type { AgentContext } from './context'
import type { Inventory } from './monitor/inventory'
import { isStatus, startError, toAppError } from './docker-errors'
import { enforceHostBinds } from './host-binds'
import { containerNameOf, resolveService, serviceIdOf, toSummary } from './services'

export type LifecycleAction = 'start' | 'stop' | 'restart'

/** What a state change needs: the engine, the operation locks, and the backup engine's crash recovery to wait for. */
export type LifecycleDeps = Pick<AgentContext, 'docker' | 'events' | 'limit' | 'config' | 'locks'> & {
  recovery: Pick<BackupEngine, 'ready'>
  /** The reads' inventory: the new state shows at once, not when the events arrive. */
  inventory: Pick<Inventory, 'upsert'>
}

const PAST = { start: 'started', stop: 'stopped', restart: 'restarted' } as const

/**
 * Starts, stops or restarts a service and answers once Docker reports the new state: the
 * Engine's start/stop/restart calls return only after the transition, so no sleeps are needed.
 * Emits `service-action` in-progress, then completed or failed. Holds the service's operation
 * lock throughout — also when the service is already in that state: a stop must never land in
 * the middle of a backup or restore that expects to start the service again.
 */
export async function changeState(
  ctx: LifecycleDeps,
  ref: string,
  action: LifecycleAction,
  options: { signal?: AbortSignal; timeoutSeconds?: number } = {},
): Promise<ServiceSummary> {
  // Requests are served while crash recovery puts interrupted restores right: wait for it.
  await ctx.recovery.ready
  // Refused before resolving: mid-restore the service may be parked under another name.
  ctx.locks.assertFree(ref)
  const info = await resolveService(ctx.docker, ref, options.signal)
  const base = { action, containerId: info.Id, serviceId: serviceIdOf(info), serviceName: containerNameOf(info) }
  const release = ctx.locks.acquire(base.serviceId, action)
  ctx.events.publish('service-action', { ...base, status: 'in-progress', message: `${action} requested` })
  try {
    // A start mounts the binds anew, following whatever links are there now: a bind directory
    // swapped for a link since deploy must not take the service to where the link leads.
    if (action !== 'stop') await enforceHostBinds(bindsOf(info), ctx.config.bindMountAllowlist)
    const container = ctx.docker.getContainer(info.Id)
    const t = options.timeoutSeconds ?? 10
    await ctx.limit(async () => {
      try {
        if (action === 'start') await container.start()
        if (action === 'stop') await container.stop({ t })
        if (action === 'restart') await container.restart({ t })
      } catch (err) {
        // Docker answers 304 when the container is already in the requested state.
        if (isStatus(err, 304)) return
        // 400 on start: the runtime could not run the command (missing binary, bad mount, …).
        if (action !== 'stop' && isStatus(err, 400)) throw startError(err)
        throw err
      }
    })
    const state = await container.inspect()
    if (action !== 'stop' && !state.State.Running && !state.State.Restarting) {
      throw new AppError(
        409,
        'service_exited',
        `Service exited right after ${action} (exit code ${state.State.ExitCode})`,
      )
    }
    const row = await rowById(ctx.docker, info.Id)
    // The reads answer from the inventory: show the new state now, not when the events arrive.
    ctx.inventory.upsert(row, state)
    const summary = toSummary(row)
    ctx.events.publish('service-action', {
      ...base,
      status: 'completed',
      message: `Service ${PAST[action]}`,
      state: summary.state,
    })
    return summary
  } catch (err) {
    const error = toAppError(err)
    ctx.events.publish('service-action', { ...base, status: 'failed', message: error.message, code: error.code })
    throw error
  } finally {
    release()
  }
}

function bindsOf(info: Docker.ContainerInfo) {
  return (info.Mounts ?? []).flatMap((m, i) =>
    m.Type === 'bind' && m.Source ? [{ source: m.Source, where: `Mounts.${i}` }] : [],
  )
}

async function rowById(docker: Docker, id: string): Promise<Docker.ContainerInfo> {
  const [info] = await docker.listContainers({ all: true, filters: { id: [id] } })
  if (!info) throw toAppError({ statusCode: 404 })
  return info
}

export async function summaryById(docker: Docker, id: string): Promise<ServiceSummary> {
  return toSummary(await rowById(docker, id))
}
