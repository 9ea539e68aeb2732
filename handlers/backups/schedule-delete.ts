import { notFound } from '../../src/errors'
import { createRouter } from '../../src/router'
import { ServiceParams } from '../../src/schemas/params'
import { validate } from '../../src/validate'
import { describeRoute } from '../../src/openapi/describe'
import { OkMessage } from '../../src/schemas/errors'

export default createRouter().delete(
  '/api/services/:containerId/backups/schedule',
  describeRoute({ summary: "Remove a service's backup schedule", tags: ['backups'], responses: { 200: OkMessage } }),
  validate('param', ServiceParams),
  async (c) => {
    const { containerId } = c.req.valid('param')
    const { deleted } = await c.var.agent.deleteBackupSchedule(containerId, { signal: c.req.raw.signal })
    if (!deleted) throw notFound('backup schedule of service', containerId)
    return c.json({ success: true, message: 'Backup schedule removed' }, 200)
  },
)
