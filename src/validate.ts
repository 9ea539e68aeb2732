import { zValidator } from '@hono/zod-validator'
import type { ValidationTargets } from 'hono'
import type { ZodType } from 'zod'
import { badRequest, type ErrorDetail } from './errors'
import { REQUEST_SCHEMA, type RequestSchemaMark } from './openapi/describe'

/**
 * zod-validator that reports every issue, with its path, in our 400 envelope. The schema is
 * marked on the middleware so the OpenAPI document describes exactly what is validated.
 */
export const validate = <Target extends keyof ValidationTargets, Schema extends ZodType>(
  target: Target,
  schema: Schema,
) => {
  const mw = zValidator(target, schema, (result) => {
    if (!result.success) {
      const details: ErrorDetail[] = result.error.issues.map((issue) => ({
        path: [target, ...issue.path.map(String)].join('.'),
        code: issue.code,
        message: issue.message,
      }))
      throw badRequest(`Invalid ${target}: ${details.map((d) => `${d.path} ${d.message}`).join('; ')}`, details)
    }
  })
  const mark: RequestSchemaMark = { target, schema }
  return Object.assign(mw, { [REQUEST_SCHEMA]: mark })
}
