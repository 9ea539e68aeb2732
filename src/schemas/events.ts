import { z } from 'zod'
import { EVENT_TYPES } from '../events/types'
import { ServiceRef } from './service'

const csv = <T extends z.ZodType<unknown, string>>(item: T) =>
  z
    .string()
    .max(4096)
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(z.array(item).max(100))

export const EventsQuery = z.strictObject({
  types: csv(z.enum(EVENT_TYPES)).optional(),
  services: csv(ServiceRef).optional(),
  deploymentId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .optional(),
  ticket: z.string().max(64).optional(),
  lastEventId: z.string().max(64).optional(),
})
