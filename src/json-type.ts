import { AppError } from './errors'

/** `application/json`, with parameters (`; charset=utf-8`) or a `+json` suffix type. */
export const isJsonType = (type: string | undefined) => /^application\/([\w.-]+\+)?json\s*(;|$)/i.test(type ?? '')

export const unsupportedMediaType = () =>
  new AppError(415, 'unsupported_media_type', 'Send the body as JSON with Content-Type: application/json')
