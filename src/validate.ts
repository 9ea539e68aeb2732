import { zValidator } from '@hono/zod-validator'
import type { ValidationTargets } from 'hono'
import type { ZodType } from 'zod'
import { badRequest, type ErrorDetail } from './errors'

/** zod-validator that reports every issue, with its path, in our 400 envelope. */
export const validate = <Target extends keyof ValidationTargets, Schema extends ZodType>(
  target: Target,
  schema: Schema,
) =>
  zValidator(target, schema, (result) => {
    if (!result.success) {
      const details: ErrorDetail[] = result.error.issues.map((issue) => ({
        path: [target, ...issue.path.map(String)].join('.'),
        code: issue.code,
        message: issue.message,
      }))
      throw badRequest(`Invalid ${target}: ${details.map((d) => `${d.path} ${d.message}`).join('; ')}`, details)
    }
  })
