import { createRouter } from '../../src/router'
import { CreateBackupBody, WaitQuery } from '../../src/schemas/backup'
import { ServiceParams } from '../../src/schemas/params'
import { validate } from '../../src/validate'
import { describeRoute } from '../../src/openapi/describe'
import { BackupCreatedResponse, BackupStartedResponse } from '../../src/schemas/backups-api'

export default createRouter().post(
  '/api/services/:containerId/backups',
  describeRoute({
    summary: 'Back up a service (202 at once, 201 with ?wait=true)',
    tags: ['backups'],
    responses: { 201: BackupCreatedResponse, 202: BackupStartedResponse },
  }),
  validate('param', ServiceParams),
  validate('query', WaitQuery),
  validate('json', CreateBackupBody),
  async (c) => {
    const { containerId } = c.req.valid('param')
    const { wait } = c.req.valid('query')
    const body = c.req.valid('json')
    const job = await c.var.agent.createBackup(containerId, { ...body, wait, signal: c.req.raw.signal })
    if (job.status === 'completed') {
      return c.json(
        {
          success: true as const,
          message: 'Backup created',
          backupId: job.backupId,
          serviceId: job.serviceId,
          backup: job.backup,
        },
        201,
      )
    }
    // Progress follows as `backup-progress` events carrying this backupId.
    return c.json(
      {
        success: true as const,
        message: 'Backup started',
        backupId: job.backupId,
        serviceId: job.serviceId,
        status: job.status,
      },
      202,
    )
  },
)
