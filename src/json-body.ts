import { createMiddleware } from 'hono/factory'
import type { AppEnv } from './deps'
import { AppError } from './errors'

/**
 * Parses a JSON body once, up front, so malformed JSON is a 400 envelope on every route — even
 * one that ignores its body. Hono caches the parsed body for the validators that follow.
 */
export const checkJsonBody = () =>
  createMiddleware<AppEnv>(async (c, next) => {
    const type = c.req.header('content-type') ?? ''
    if (['POST', 'PUT', 'PATCH'].includes(c.req.method) && /^application\/([a-z.+-]*\+)?json/i.test(type)) {
      const text = await c.req.text()
      if (text.trim() !== '') {
        try {
          JSON.parse(text)
        } catch {
          throw new AppError(400, 'malformed_json', 'The request body is not valid JSON')
        }
      }
    }
    await next()
  })
