import { createRouter } from '../../src/router'
import { ScheduleBody } from '../../src/schemas/backup'
import { ServiceParams } from '../../src/schemas/params'
import { validate } from '../../src/validate'

/** Sets (replaces) the service's backup schedule and retention policy. */
export default createRouter().put(
  '/api/services/:containerId/backups/schedule',
  validate('param', ServiceParams),
  validate('json', ScheduleBody),
  async (c) => {
    const { containerId } = c.req.valid('param')
    const schedule = await c.var.agent.setBackupSchedule(containerId, c.req.valid('json'), { signal: c.req.raw.signal })
    return c.json({ success: true, message: 'Backup schedule saved', schedule }, 200)
  },
)
