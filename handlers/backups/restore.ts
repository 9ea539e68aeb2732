import { createRouter } from '../../src/router'
import { BackupParams } from '../../src/schemas/backup'
import { validate } from '../../src/validate'

export default createRouter().post('/api/services/:containerId/backups/:backupId/restore', validate('param', BackupParams), async (c) => {
  const { containerId, backupId } = c.req.valid('param')
  const restore = await c.var.agent.restoreBackup(containerId, backupId, { signal: c.req.raw.signal })
  return c.json({ success: true, message: 'Backup restored', restore }, 200)
})
