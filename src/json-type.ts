import { AppError } from './errors'

/**
 * `application/json`, with parameters (`; charset=utf-8`) or as a `+json` suffix type — exactly
 * what hono's json validator parses; anything else it would silently read as `{}`.
 */
export const isJsonType = (type: string | undefined) =>
  /^application\/([\w.-]+\+)?json$/i.test((type ?? '').split(';')[0]!.trim())

export const unsupportedMediaType = () =>
  new AppError(415, 'unsupported_media_type', 'Send the body as JSON with Content-Type: application/json')
