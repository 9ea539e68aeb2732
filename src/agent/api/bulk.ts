import { z } from 'zod'
import {
  BulkOperation as BulkOperationSchema,
  BulkOptions as BulkOptionsSchema,
  type BulkOperation,
  type BulkOptions,
  type BulkResult,
} from '../../schemas/bulk'
import { ServiceRef } from '../../schemas/service'
import type { CallOptions } from './call-options'
import { long } from './method'

/** One operation over many services. */
export interface BulkApi {
  /**
   * Runs `operation` for each distinct id, about four at a time, publishing `bulk-progress`
   * as each one finishes. Never throws for a failing service: its item says why.
   */
  bulkOperation(operation: BulkOperation, serviceIds: string[], options: CallOptions & BulkOptions): Promise<BulkResult>
}

// ---- the wire contract of this method ----

export const bulkContract = {
  bulkOperation: long(
    z.tuple([BulkOperationSchema, z.array(ServiceRef).min(1).max(100), BulkOptionsSchema]),
    z.object({
      success: z.boolean(),
      operation: BulkOperationSchema,
      operationId: z.string(),
      results: z.object({
        success: z.number(),
        failed: z.number(),
        errors: z.array(z.object({ serviceId: z.string(), error: z.string(), code: z.string() })),
      }),
      items: z.array(
        z.object({
          serviceId: z.string(),
          success: z.boolean(),
          status: z.number().int(),
          result: z.record(z.string(), z.unknown()).optional(),
          error: z.string().optional(),
          code: z.string().optional(),
        }),
      ),
    }),
  ),
}
