import { downloadHeaders, rangeNotSatisfiable } from '../../src/backup-download'
import { errorBody } from '../../src/errors'
import { createRouter } from '../../src/router'
import { BackupParams } from '../../src/schemas/backup'
import { validate } from '../../src/validate'
import { describeRoute } from '../../src/openapi/describe'
import { ARCHIVE } from '../../src/schemas/backups-api'

/** The archive streamed from the agent as the client reads it; `Range` gives 206 or 416. */
export default createRouter().get(
  '/api/services/:containerId/backups/:backupId/download',
  describeRoute({
    summary: "Download one of a service's backup archives",
    tags: ['backups'],
    responses: { 200: ARCHIVE, 206: ARCHIVE },
  }),
  validate('param', BackupParams),
  async (c) => {
    const { containerId, backupId } = c.req.valid('param')
    const download = await c.var.agent.openBackupDownload(containerId, backupId, {
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
