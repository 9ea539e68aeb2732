import { z } from 'zod'
import { createRouter } from '../../src/router'
import { BackupId } from '../../src/schemas/backup'
import { validate } from '../../src/validate'
import { describeRoute } from '../../src/openapi/describe'
import { BackupDeletedResponse } from '../../src/schemas/backups-api'

const Params = z.object({ backupId: BackupId })

/** Deletes a backup by its id alone: also one whose service was deleted. */
export default createRouter().delete(
  '/api/backups/:backupId',
  describeRoute({
    summary: 'Delete a backup by its id alone',
    tags: ['backups'],
    responses: { 200: BackupDeletedResponse },
  }),
  validate('param', Params),
  async (c) => {
    const { backupId } = c.req.valid('param')
    await c.var.agent.deleteBackupById(backupId, { signal: c.req.raw.signal })
    return c.json({ success: true, message: 'Backup deleted', backupId }, 200)
  },
)
