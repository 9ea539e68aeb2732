import { z } from 'zod'
import { AppError, badRequest, tooLarge } from '../../src/errors'
import { createRouter } from '../../src/router'
import { ARCHIVE_CONTENT_TYPE, Sha256Hex, UploadQuery } from '../../src/schemas/backup'
import { ServiceParams } from '../../src/schemas/params'
import { validate } from '../../src/validate'
import { describeRoute } from '../../src/openapi/describe'
import { UploadResponse } from '../../src/schemas/backups-api'

const Headers = z.object({ 'x-checksum-sha256': Sha256Hex.optional() })

/**
 * An archive downloaded from another host, as the raw request body (not multipart): streamed
 * to the agent untouched, stored as a backup once its manifest and checksum check out, then
 * restored unless `?restore=false`. The API's JSON body limit does not apply; ZAPIE_UPLOAD_LIMIT does.
 */
export default createRouter().post(
  '/api/services/:containerId/backups/upload',
  describeRoute({
    summary: 'Upload a backup archive (raw body) and restore it',
    tags: ['backups'],
    responses: { 201: UploadResponse },
  }),
  validate('param', ServiceParams),
  validate('query', UploadQuery),
  validate('header', Headers),
  async (c) => {
    const { containerId } = c.req.valid('param')
    const { name, restore } = c.req.valid('query')
    const sha256 = c.req.valid('header')['x-checksum-sha256']
    if (!ARCHIVE_CONTENT_TYPE.test(c.req.header('content-type') ?? '')) {
      throw new AppError(
        415,
        'unsupported_media_type',
        'Send the .tar.gz archive itself as the body, with Content-Type: application/octet-stream or application/gzip',
      )
    }
    const limit = c.var.config.uploadLimit
    if (Number(c.req.header('content-length') ?? 0) > limit)
      throw tooLarge(`The upload is larger than ${limit} bytes (ZAPIE_UPLOAD_LIMIT)`)
    const body = c.req.raw.body
    if (!body) throw badRequest('The upload is empty: send the .tar.gz archive as the request body')
    const result = await c.var.agent.uploadBackup(containerId, body, {
      name,
      restore,
      sha256,
      limit,
      signal: c.req.raw.signal,
    })
    const message = result.restore
      ? 'Archive uploaded, stored as a backup and restored'
      : 'Archive uploaded and stored as a backup'
    return c.json({ success: true, message, backup: result.backup, restore: result.restore }, 201)
  },
)
