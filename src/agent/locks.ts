import { AppError } from '../errors'

/** Everything that changes a service; each holds the service's lock while it runs. */
export type ServiceOperation = 'deploy' | 'backup' | 'restore' | 'upload' | 'delete' | 'start' | 'stop' | 'restart'

/** What a 409 `operation_in_progress` names in its details. */
export type HeldOperation = {
  operation: ServiceOperation
  /** ISO time the running operation took the lock. */
  since: string
  serviceId: string
}

const DOING: Record<ServiceOperation, string> = {
  deploy: 'is being deployed',
  backup: 'is being backed up',
  restore: 'is being restored',
  upload: 'is receiving an uploaded backup',
  delete: 'is being deleted',
  start: 'is being started',
  stop: 'is being stopped',
  restart: 'is being restarted',
}

/**
 * One operation per service at a time, across every way in (API, bulk, schedules): two jobs
 * stopping, recreating or removing the same containers and volumes would undo each other —
 * a delete during a restore answered "deleted" and the restore's rollback brought the service
 * back without its "kept" volume. The second caller is refused with 409, never queued: it
 * learns what runs and decides itself. In memory on purpose: a crash leaves no stale lock,
 * and crash recovery runs before the agent takes requests. Reads never take a lock.
 */
export class OperationLocks {
  private readonly held = new Map<string, HeldOperation>()

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * Takes `key`'s lock or throws 409 naming what holds it. Synchronous, so no await can come
   * between the check and the claim. Returns the release (idempotent); call it in `finally`.
   */
  acquire(key: string, operation: ServiceOperation, serviceId = key): () => void {
    this.assertFree(key)
    this.held.set(key, { operation, since: new Date(this.now()).toISOString(), serviceId })
    let released = false
    return () => {
      if (released) return
      released = true
      this.held.delete(key)
    }
  }

  /** Throws the 409 when `key` is held; lets a caller refuse before slow work (resolving a ref). */
  assertFree(key: string): void {
    const holder = this.held.get(key)
    if (holder) throw operationInProgress(holder)
  }

  /** Runs `job` under `key`'s lock, released however the job ends. */
  async run<T>(key: string, operation: ServiceOperation, job: () => Promise<T>, serviceId = key): Promise<T> {
    const release = this.acquire(key, operation, serviceId)
    try {
      return await job()
    } finally {
      release()
    }
  }

  holder(key: string): HeldOperation | undefined {
    const holder = this.held.get(key)
    return holder ? { ...holder } : undefined
  }

  isHeld(key: string): boolean {
    return this.held.has(key)
  }
}

export function operationInProgress(holder: HeldOperation): AppError {
  const clock = holder.since.slice(11, 19)
  return new AppError(
    409,
    'operation_in_progress',
    `Service '${holder.serviceId}' ${DOING[holder.operation]} (since ${clock} UTC); try again when it finishes`,
    [{ ...holder }],
  )
}
