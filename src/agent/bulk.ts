import { randomBytes } from 'node:crypto'
import { mapLimited } from '../limiter'
import type { BulkItem, BulkOperation, BulkOptions, BulkResult } from '../schemas/bulk'
import { startBackup } from './backup/create'
import { backupEngineFor } from './backup/engine'
import type { CallOptions } from './client'
import type { AgentContext } from './context'
import { toAppError } from './docker-errors'
import { changeState } from './lifecycle'
import { removeService } from './remove'

/** One operation over many services. */
export interface BulkApi {
  /**
   * Runs `operation` for each distinct id, about four at a time, publishing `bulk-progress`
   * as each one finishes. Never throws for a failing service: its item says why.
   */
  bulkOperation(operation: BulkOperation, serviceIds: string[], options: CallOptions & BulkOptions): Promise<BulkResult>
}

const CONCURRENCY = 4

export function createBulkApi(ctx: AgentContext): BulkApi {
  return { bulkOperation: (operation, serviceIds, options) => runBulk(ctx, operation, serviceIds, options) }
}

async function perform(ctx: AgentContext, operation: BulkOperation, ref: string, options: BulkOptions & { name: string }) {
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
      const engine = backupEngineFor(ctx)
      await engine.ready
      const job = await startBackup(engine, ref, { name: options.name, consistency: options.consistency, wait: true, origin: 'bulk' })
      const backup = job.status === 'completed' ? job.backup : undefined
      return { backupId: job.backupId, size: backup?.size, sha256: backup?.sha256 }
    }
  }
}

export async function runBulk(ctx: AgentContext, operation: BulkOperation, serviceIds: string[], options: BulkOptions): Promise<BulkResult> {
  const operationId = `bulk_${ctx.clock.now().toString(36)}_${randomBytes(4).toString('hex')}`
  const ids = [...new Set(serviceIds)]
  const name = options.name ?? `Bulk backup ${new Date(ctx.clock.now()).toISOString().slice(0, 16).replace('T', ' ')}`
  const total = ids.length
  let completed = 0
  ctx.events.publish('bulk-progress', { operationId, operation, status: 'started', total, completed })
  const items = await mapLimited(ids, CONCURRENCY, async (serviceId): Promise<BulkItem> => {
    let item: BulkItem
    try {
      item = { serviceId, success: true, status: 200, result: await perform(ctx, operation, serviceId, { ...options, name }) }
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
  const errors = items.filter((i) => !i.success).map((i) => ({ serviceId: i.serviceId, error: i.error!, code: i.code! }))
  const result: BulkResult = {
    success: errors.length === 0,
    operation,
    operationId,
    results: { success: items.length - errors.length, failed: errors.length, errors },
    items,
  }
  ctx.events.publish('bulk-progress', { operationId, operation, status: 'finished', total, completed, succeeded: result.results.success, failed: errors.length })
  return result
}
