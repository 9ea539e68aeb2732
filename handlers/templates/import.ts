import { z } from 'zod'
import { AppError, badRequest, unprocessable } from '../../src/errors'
import { createRouter } from '../../src/router'
import { QueryBool } from '../../src/schemas/params'
import { planImport, readImportDocument } from '../../src/templates/exchange'
import { validate } from '../../src/validate'

const Query = z.strictObject({ overwrite: QueryBool.optional() })

/**
 * Imports our export, a bare array, or a Portainer v2/v3 file — as the JSON body, or as a
 * multipart upload in the field `file`. `overwrite` (query, form field or body) replaces
 * templates of the same name. Every item is checked before anything is written; then the whole
 * import is written, or nothing.
 */
export default createRouter().post('/api/templates/import', validate('query', Query), async (c) => {
  let overwrite = c.req.valid('query').overwrite
  const type = c.req.header('content-type') ?? ''
  let doc: unknown
  if (/^multipart\/form-data/i.test(type)) {
    const form = await c.req.parseBody().catch(() => {
      throw badRequest('The upload is not a readable multipart form')
    })
    const file = form.file
    if (!(file instanceof File) && typeof file !== 'string') throw badRequest("Send the templates file in the form field 'file'")
    doc = parseJson(typeof file === 'string' ? file : await file.text())
    if (typeof form.overwrite === 'string') overwrite ??= form.overwrite === 'true' || form.overwrite === '1'
  } else if (/^application\/([\w.-]+\+)?json/i.test(type)) {
    doc = await c.req.json()
    // The original clients send `{ templates: [...], overwrite: true }`.
    const body = doc as { overwrite?: unknown } | null
    if (body && typeof body === 'object' && typeof body.overwrite === 'boolean') overwrite ??= body.overwrite
  } else {
    throw new AppError(415, 'unsupported_media_type', 'Send the templates as application/json or as a multipart/form-data upload')
  }
  const read = readImportDocument(doc)
  if ('error' in read) throw badRequest(read.error)
  const { templates } = await c.var.stores.templates.list()
  const plan = planImport(read, {
    existing: templates,
    policy: c.var.config,
    overwrite: overwrite ?? false,
    now: new Date(c.var.clock.now()),
    newId: () => crypto.randomUUID(),
  })
  await c.var.stores.templates.applyBatch(plan)
  const { result } = plan
  if (result.failed.length && result.imported + result.updated + result.skipped === 0) {
    throw unprocessable(`None of the ${result.failed.length} templates could be imported`, result.failed as unknown as Record<string, unknown>[])
  }
  const message = `Imported ${result.imported}, updated ${result.updated}, skipped ${result.skipped}, failed ${result.failed.length}`
  return c.json({ success: true, source: read.source, result, message }, 200)
})

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    throw new AppError(400, 'malformed_json', 'The uploaded file is not valid JSON')
  }
}
