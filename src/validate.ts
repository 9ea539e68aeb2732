import { zValidator } from '@hono/zod-validator'
import type { Context, Next, ValidationTargets } from 'hono'
import type { ZodType } from 'zod'
import { badRequest, type ErrorDetail } from './errors'
import { isJsonType, unsupportedMediaType } from './json-type'
import { REQUEST_SCHEMA, type RequestSchemaMark } from './openapi/describe'
import { rememberUrlValidation } from './url-validation-cache'

/**
 * zod-validator that reports every issue, with its path, in our 400 envelope. The schema is
 * marked on the middleware so the OpenAPI document describes exactly what is validated.
 */
export const validate = <Target extends keyof ValidationTargets, Schema extends ZodType>(
  target: Target,
  schema: Schema,
) => {
  const validator = zValidator(target, schema, (result) => {
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
  if (target === 'query' || target === 'param')
    return Object.assign(rememberUrlValidation(target, validator) as typeof validator, { [REQUEST_SCHEMA]: mark })
  if (target !== 'json') return Object.assign(validator, { [REQUEST_SCHEMA]: mark })
  // The json validator reads any other Content-Type as `{}`: `curl -d` would get misleading
  // 400s, or a 200 with every field at its default. A body sent as something else is refused.
  const strict = async (c: Context, next: Next) => {
    await requireJsonType(c)
    return validator(c, next)
  }
  return Object.assign(strict as typeof validator, { [REQUEST_SCHEMA]: mark })
}

async function requireJsonType(c: Context) {
  if (isJsonType(c.req.header('content-type'))) return
  // No body at all is fine (every field takes its default); its length may be unknown (chunked).
  const announced = Number(c.req.header('content-length') ?? 0) > 0 || c.req.header('transfer-encoding') !== undefined
  if (announced || (await c.req.text()) !== '') throw unsupportedMediaType()
}
