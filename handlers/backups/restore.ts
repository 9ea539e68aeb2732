import { createRouter } from '../../src/router'
import { BackupParams } from '../../src/schemas/backup'
import { validate } from '../../src/validate'
import { describeRoute } from '../../src/openapi/describe'
import { RestoreResponse } from '../../src/schemas/backups-api'

export default createRouter().post(
  '/api/services/:containerId/backups/:backupId/restore',
  describeRoute({
    summary: 'Restore a backup into its service',
    tags: ['backups'],
    responses: { 200: RestoreResponse },
  }),
  validate('param', BackupParams),
  async (c) => {
    const { containerId, backupId } = c.req.valid('param')
    const restore = await c.var.agent.restoreBackup(containerId, backupId, { signal: c.req.raw.signal })
    return c.json({ success: true, message: 'Backup restored', restore }, 200)
  },
)
