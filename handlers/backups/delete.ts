import { createRouter } from '../../src/router'
import { BackupParams } from '../../src/schemas/backup'
import { validate } from '../../src/validate'

export default createRouter().delete('/api/services/:containerId/backups/:backupId', validate('param', BackupParams), async (c) => {
  const { containerId, backupId } = c.req.valid('param')
  await c.var.agent.deleteBackup(containerId, backupId, { signal: c.req.raw.signal })
  return c.json({ success: true, message: 'Backup deleted', backupId }, 200)
})
