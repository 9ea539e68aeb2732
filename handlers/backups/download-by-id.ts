import { z } from 'zod'
import { downloadHeaders, rangeNotSatisfiable } from '../../src/backup-download'
import { errorBody } from '../../src/errors'
import { createRouter } from '../../src/router'
import { BackupId } from '../../src/schemas/backup'
import { validate } from '../../src/validate'
import { describeRoute } from '../../src/openapi/describe'
import { ARCHIVE } from '../../src/schemas/backups-api'

const Params = z.object({ backupId: BackupId })

/** The archive of any backup, by its id alone (also one whose service was deleted); `Range` gives 206 or 416. */
export default createRouter().get(
  '/api/backups/:backupId/download',
  describeRoute({
    summary: 'Download a backup archive by its id alone',
    tags: ['backups'],
    responses: { 200: ARCHIVE, 206: ARCHIVE },
  }),
  validate('param', Params),
  async (c) => {
    const { backupId } = c.req.valid('param')
    const download = await c.var.agent.openBackupDownloadById(backupId, {
      range: c.req.header('range'),
      signal: c.req.raw.signal,
    })
    if (download.status === 416) {
      return c.json(errorBody(rangeNotSatisfiable(download), c.var.requestId), 416, downloadHeaders(download))
    }
    if (c.req.method === 'HEAD') {
      // Hono answers HEAD with this GET handler and drops the body: close the file now.
      await download.body.cancel()
      return c.body(null, download.status, downloadHeaders(download))
    }
    return c.body(download.body, download.status, downloadHeaders(download))
  },
)
