import { z } from 'zod'

export const ErrorDetailSchema = z.looseObject({
  path: z.string().optional(),
  code: z.string().optional(),
  message: z.string().optional(),
})

/**
 * The one error envelope (ARCHITECTURE §4). `message` repeats `error` for clients of the
 * original API, which read it. A 400 always lists what is wrong in `details`.
 */
export const ErrorBody = z.looseObject({
  success: z.literal(false),
  error: z.string(),
  message: z.string(),
  code: z.string().regex(/^[a-z][a-z0-9_]*$/),
  details: z.array(ErrorDetailSchema).optional(),
  requestId: z.string().optional(),
})

/** Every success body starts like this; the rest is the route's payload. */
export const Ok = z.looseObject({ success: z.literal(true) })

/** `Ok` extended with the fields a route pins; everything else may vary. */
export const okWith = <T extends z.ZodRawShape>(shape: T) => z.looseObject({ success: z.literal(true), ...shape })

/** A success that only says what happened. */
export const OkMessage = okWith({ message: z.string() })
