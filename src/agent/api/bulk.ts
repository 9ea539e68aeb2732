import type { BulkOperation, BulkOptions, BulkResult } from '../../schemas/bulk'
import type { CallOptions } from './call-options'

/** One operation over many services. */
export interface BulkApi {
  /**
   * Runs `operation` for each distinct id, about four at a time, publishing `bulk-progress`
   * as each one finishes. Never throws for a failing service: its item says why.
   */
  bulkOperation(operation: BulkOperation, serviceIds: string[], options: CallOptions & BulkOptions): Promise<BulkResult>
}
