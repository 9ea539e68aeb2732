import type Docker from 'dockerode'
import type { Logger } from '../../logger'
import type { Consistency } from '../../schemas/backup'
import { isStatus } from '../docker-errors'
import type { IntentLog } from './intents'

export interface FreezeTarget {
  backupId: string
  serviceId: string
  container: Docker.Container
  containerId: string
  /** Docker's state when the backup started. */
  state: { Running: boolean; Paused: boolean }
}

/** Undoes a freeze; never throws (a failure is logged and left to crash recovery). */
export type Thaw = () => Promise<void>

const noop: Thaw = async () => {}

/**
 * Makes the service hold still while its volumes are read: `pause` freezes its processes
 * (cgroup freezer), `stop` stops it, `live` reads while it runs. A service that is not running
 * (or that its user paused) is left as it is. The intent is flushed to disk BEFORE the service
 * is touched, so an agent killed mid-backup resumes it at its next start.
 */
export async function freeze(
  target: FreezeTarget,
  consistency: Consistency,
  deps: { intents: IntentLog; logger: Logger; now: () => number; stopTimeoutSeconds?: number },
): Promise<Thaw> {
  const { container, state } = target
  if (consistency === 'live' || !state.Running || state.Paused) return noop
  const action = consistency === 'pause' ? 'paused' : 'stopped'
  await deps.intents.record({
    kind: 'freeze',
    backupId: target.backupId,
    serviceId: target.serviceId,
    containerId: target.containerId,
    action,
    at: new Date(deps.now()).toISOString(),
  })
  try {
    if (action === 'paused') await container.pause()
    else await container.stop({ t: deps.stopTimeoutSeconds ?? 10 })
  } catch (err) {
    // Docker answers 304 when it is already stopped; anything else: put it back and give up.
    if (!(action === 'stopped' && isStatus(err, 304))) {
      await resume(target, action, deps)
      throw err
    }
  }
  return () => resume(target, action, deps)
}

async function resume(
  target: FreezeTarget,
  action: 'paused' | 'stopped',
  deps: { intents: IntentLog; logger: Logger },
) {
  try {
    await resumeContainer(target.container, action)
    await deps.intents.clear(target.backupId)
  } catch (err) {
    deps.logger.error({
      msg: 'could not resume a service after its backup; the agent retries at its next start',
      serviceId: target.serviceId,
      backupId: target.backupId,
      error: String((err as Error)?.message ?? err),
    })
  }
}

/** Unpauses or starts a container again; "already in that state" counts as done. */
export async function resumeContainer(container: Docker.Container, action: 'paused' | 'stopped'): Promise<void> {
  try {
    if (action === 'paused') await container.unpause()
    else await container.start()
  } catch (err) {
    // 304: already started; 409 on unpause: it is not paused (anymore).
    if (isStatus(err, 304) || (action === 'paused' && isStatus(err, 409))) return
    throw err
  }
}
