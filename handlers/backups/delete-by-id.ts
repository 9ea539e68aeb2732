import { z } from 'zod'
import { createRouter } from '../../src/router'
import { BackupId } from '../../src/schemas/backup'
import { validate } from '../../src/validate'

const Params = z.object({ backupId: BackupId })

/** Deletes a backup by its id alone: also one whose service was deleted. */
export default createRouter().delete('/api/backups/:backupId', validate('param', Params), async (c) => {
  const { backupId } = c.req.valid('param')
  await c.var.agent.deleteBackupById(backupId, { signal: c.req.raw.signal })
  return c.json({ success: true, message: 'Backup deleted', backupId }, 200)
})
