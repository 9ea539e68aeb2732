import { z } from 'zod'
import { badRequest, unprocessable } from '../../src/errors'
import { createRouter } from '../../src/router'
import { QueryBool } from '../../src/schemas/params'
import { planImport, readImportDocument } from '../../src/templates/exchange'
import { readImportRequest } from '../../src/templates/import-request'
import { validate } from '../../src/validate'
import { describeRoute } from '../../src/openapi/describe'
import { TemplateImportResponse } from '../../src/schemas/templates-api'

const Query = z.strictObject({ overwrite: QueryBool.optional() })

/**
 * Imports our export, a bare array, or a Portainer v2/v3 file — as the JSON body, or as a
 * multipart upload in the field `file`. `overwrite` (query, form field or body) replaces
 * templates of the same name. Every item is checked before anything is written; then the whole
 * import is written, or nothing.
 */
export default createRouter().post(
  '/api/templates/import',
  describeRoute({
    summary: 'Import templates (our export, an array, or Portainer v2/v3)',
    tags: ['templates'],
    responses: { 200: TemplateImportResponse },
  }),
  validate('query', Query),
  async (c) => {
    const { doc, overwrite } = await readImportRequest(c.req, c.req.valid('query').overwrite)
    const read = readImportDocument(doc)
    if ('error' in read) throw badRequest(read.error)
    const { templates } = await c.var.stores.templates.list()
    const plan = planImport(read, {
      existing: templates,
      policy: c.var.config,
      overwrite,
      now: new Date(c.var.clock.now()),
      newId: () => crypto.randomUUID(),
    })
    await c.var.stores.templates.applyBatch(plan)
    const { result } = plan
    if (result.failed.length && result.imported + result.updated + result.skipped === 0) {
      throw unprocessable(
        `None of the ${result.failed.length} templates could be imported`,
        result.failed as unknown as Record<string, unknown>[],
      )
    }
    const message = `Imported ${result.imported}, updated ${result.updated}, skipped ${result.skipped}, failed ${result.failed.length}`
    return c.json({ success: true, source: read.source, result, message }, 200)
  },
)
