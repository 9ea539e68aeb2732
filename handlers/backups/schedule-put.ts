import { createRouter } from '../../src/router'
import { ScheduleBody } from '../../src/schemas/backup'
import { ServiceParams } from '../../src/schemas/params'
import { validate } from '../../src/validate'
import { describeRoute } from '../../src/openapi/describe'
import { SchedulePutResponse } from '../../src/schemas/backups-api'

/** Sets (replaces) the service's backup schedule and retention policy. */
export default createRouter().put(
  '/api/services/:containerId/backups/schedule',
  describeRoute({
    summary: "Set a service's backup schedule",
    tags: ['backups'],
    responses: { 200: SchedulePutResponse },
  }),
  validate('param', ServiceParams),
  validate('json', ScheduleBody),
  async (c) => {
    const { containerId } = c.req.valid('param')
    const schedule = await c.var.agent.setBackupSchedule(containerId, c.req.valid('json'), { signal: c.req.raw.signal })
    return c.json({ success: true, message: 'Backup schedule saved', schedule }, 200)
  },
)
