import { createRouter } from '../../src/router'
import { BackupParams } from '../../src/schemas/backup'
import { validate } from '../../src/validate'
import { describeRoute } from '../../src/openapi/describe'
import { BackupDeletedResponse } from '../../src/schemas/backups-api'

export default createRouter().delete(
  '/api/services/:containerId/backups/:backupId',
  describeRoute({
    summary: "Delete one of a service's backups",
    tags: ['backups'],
    responses: { 200: BackupDeletedResponse },
  }),
  validate('param', BackupParams),
  async (c) => {
    const { containerId, backupId } = c.req.valid('param')
    await c.var.agent.deleteBackup(containerId, backupId, { signal: c.req.raw.signal })
    return c.json({ success: true, message: 'Backup deleted', backupId }, 200)
  },
)
