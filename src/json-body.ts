import type { Context, Next } from 'hono'
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
  // Reads carry no body: on to the next step at once, without an async step of their own.
  createMiddleware<AppEnv>((c, next) => (c.req.method === 'GET' ? next() : checkBody(c, next)))

async function checkBody(c: Context<AppEnv>, next: Next) {
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
}
