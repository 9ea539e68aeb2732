import { createMiddleware } from 'hono/factory'
import type { AppEnv } from './deps'
import { malformedJson } from './errors'
import { assertJsonDepth } from './json-depth'
import { isJsonType } from './json-type'

/**
 * Parses a JSON body once, up front, so malformed JSON is a 400 envelope on every route — even
 * one that ignores its body. Hono caches the parsed body for the validators that follow. The
 * nesting depth is checked first: a deeply nested body would overflow the stack later (500).
 */
export const checkJsonBody = () =>
  createMiddleware<AppEnv>(async (c, next) => {
    if (['POST', 'PUT', 'PATCH'].includes(c.req.method) && isJsonType(c.req.header('content-type'))) {
      const text = await c.req.text()
      if (text.trim() !== '') {
        assertJsonDepth(text)
        try {
          JSON.parse(text)
        } catch {
          throw malformedJson()
        }
      }
    }
    await next()
  })
