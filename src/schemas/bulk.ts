import { z } from 'zod'
import { Consistency } from './backup'
import { ServiceRef } from './service'

export const BULK_OPERATIONS = ['start', 'stop', 'restart', 'delete', 'backup'] as const
export const BulkOperation = z.enum(BULK_OPERATIONS)
export type BulkOperation = z.infer<typeof BulkOperation>

export const BulkParams = z.object({ operation: BulkOperation })

export const BulkOptions = z.strictObject({
  /** `delete` keeps data volumes unless this is false. */
  keepData: z.boolean().default(true),
  /** `backup`: the name of every backup (default: "Bulk backup <date>"). */
  name: z.string().trim().min(1).max(100).optional(),
  consistency: Consistency.default('pause'),
})
export type BulkOptions = z.infer<typeof BulkOptions>

export const BulkBody = z.strictObject({
  serviceIds: z.array(ServiceRef).min(1).max(100),
  options: BulkOptions.default({ keepData: true, consistency: 'pause' }),
})

export interface BulkItem {
  serviceId: string
  success: boolean
  /** The status this service's own request would have had: 200, or e.g. 409 when another operation holds it. */
  status: number
  /** What the operation returned for this service (state, backup id, removed volumes). */
  result?: Record<string, unknown>
  error?: string
  code?: string
}

/** The original system's result shape, plus one item per id and an operation id for the events. */
export interface BulkResult {
  success: boolean
  operation: BulkOperation
  operationId: string
  results: { success: number; failed: number; errors: { serviceId: string; error: string; code: string }[] }
  items: BulkItem[]
}
