import type { HonoRequest } from 'hono'
import { AppError, badRequest, malformedJson } from '../errors'
import { assertJsonDepth } from '../json-depth'

/**
 * The document and `overwrite` flag of `POST /api/templates/import`: a JSON body (the original
 * clients send `{ templates: [...], overwrite: true }`) or a multipart upload in the field
 * `file`. The query's `overwrite`, when given, wins over the body's.
 */
export async function readImportRequest(
  req: HonoRequest,
  queryOverwrite: boolean | undefined,
): Promise<{ doc: unknown; overwrite: boolean }> {
  const type = req.header('content-type') ?? ''
  if (/^multipart\/form-data/i.test(type)) {
    const form = await req.parseBody().catch(() => {
      throw badRequest('The upload is not a readable multipart form')
    })
    const file = form.file
    if (!(file instanceof File) && typeof file !== 'string')
      throw badRequest("Send the templates file in the form field 'file'")
    const doc = parseJson(typeof file === 'string' ? file : await file.text())
    const formOverwrite =
      typeof form.overwrite === 'string' ? form.overwrite === 'true' || form.overwrite === '1' : undefined
    return { doc, overwrite: queryOverwrite ?? formOverwrite ?? false }
  }
  if (/^application\/([\w.-]+\+)?json/i.test(type)) {
    const doc = parseJson(await req.text(), 'The request body')
    const body = doc as { overwrite?: unknown } | null
    const bodyOverwrite =
      body && typeof body === 'object' && typeof body.overwrite === 'boolean' ? body.overwrite : undefined
    return { doc, overwrite: queryOverwrite ?? bodyOverwrite ?? false }
  }
  throw new AppError(
    415,
    'unsupported_media_type',
    'Send the templates as application/json or as a multipart/form-data upload',
  )
}

function parseJson(text: string, what = 'The uploaded file'): unknown {
  if (text.trim() === '') throw malformedJson(what, true)
  assertJsonDepth(text, what)
  try {
    return JSON.parse(text)
  } catch {
    throw malformedJson(what)
  }
}
