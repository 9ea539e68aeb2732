import { randomBytes } from 'node:crypto'
import { mapLimited } from '../limiter'
import type { BulkItem, BulkOperation, BulkOptions, BulkResult } from '../schemas/bulk'
import { startBackup } from './backup/create'
import type { BackupEngine } from './backup/engine'
import type { BulkApi } from './api/bulk'
import type { AgentContext } from './context'
import { toAppError } from './docker-errors'
import { changeState, type LifecycleDeps } from './lifecycle'
import { removeService, type RemoveDeps } from './remove'

const CONCURRENCY = 4

/** What a bulk run needs: lifecycle and removal of each service, and the backup engine. */
export type BulkDeps = Pick<AgentContext, 'clock'> & LifecycleDeps & RemoveDeps & { backups: BackupEngine }

export function createBulkApi(deps: BulkDeps): BulkApi {
  return { bulkOperation: (operation, serviceIds, options) => runBulk(deps, operation, serviceIds, options) }
}

async function perform(ctx: BulkDeps, operation: BulkOperation, ref: string, options: BulkOptions & { name: string }) {
  switch (operation) {
    case 'start':
    case 'stop':
    case 'restart': {
      const service = await changeState(ctx, ref, operation)
      return { containerId: service.id, state: service.state }
    }
    case 'delete':
      return { ...(await removeService(ctx, ref, { keepData: options.keepData })) }
    case 'backup': {
      const engine = ctx.backups
      await engine.ready
      const job = await startBackup(engine, ref, {
        name: options.name,
        consistency: options.consistency,
        wait: true,
        origin: 'bulk',
      })
      const backup = job.status === 'completed' ? job.backup : undefined
      return { backupId: job.backupId, size: backup?.size, sha256: backup?.sha256 }
    }
  }
}

export async function runBulk(
  ctx: BulkDeps,
  operation: BulkOperation,
  serviceIds: string[],
  options: BulkOptions,
): Promise<BulkResult> {
  const operationId = `bulk_${ctx.clock.now().toString(36)}_${randomBytes(4).toString('hex')}`
  const ids = [...new Set(serviceIds)]
  const name = options.name ?? `Bulk backup ${new Date(ctx.clock.now()).toISOString().slice(0, 16).replace('T', ' ')}`
  const total = ids.length
  let completed = 0
  ctx.events.publish('bulk-progress', { operationId, operation, status: 'started', total, completed })
  const items = await mapLimited(ids, CONCURRENCY, async (serviceId): Promise<BulkItem> => {
    let item: BulkItem
    try {
      item = {
        serviceId,
        success: true,
        status: 200,
        result: await perform(ctx, operation, serviceId, { ...options, name }),
      }
    } catch (err) {
      // Each item takes its own service's operation lock (inside perform): a busy service is
      // this item's 409, never a wait and never the whole batch's failure.
      const error = toAppError(err, 'service')
      item = { serviceId, success: false, status: error.status, error: error.message, code: error.code }
    }
    completed += 1
    ctx.events.publish('bulk-progress', {
      operationId,
      operation,
      serviceId,
      ...(typeof item.result?.containerId === 'string' ? { containerId: item.result.containerId } : {}),
      status: item.success ? 'completed' : 'failed',
      ...(item.success ? {} : { error: item.error, code: item.code }),
      completed,
      total,
    })
    return item
  })
  const errors = items
    .filter((i) => !i.success)
    .map((i) => ({ serviceId: i.serviceId, error: i.error!, code: i.code! }))
  const result: BulkResult = {
    success: errors.length === 0,
    operation,
    operationId,
    results: { success: items.length - errors.length, failed: errors.length, errors },
    items,
  }
  ctx.events.publish('bulk-progress', {
    operationId,
    operation,
    status: 'finished',
    total,
    completed,
    succeeded: result.results.success,
    failed: errors.length,
  })
  return result
}
