import { z } from 'zod'

/** Seconds Docker waits after SIGTERM before it kills the container. */
export const StopQuery = z.strictObject({ timeout: z.coerce.number().int().min(0).max(600).optional() })
