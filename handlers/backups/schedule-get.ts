import { createRouter } from '../../src/router'
import { ServiceParams } from '../../src/schemas/params'
import { validate } from '../../src/validate'
import { describeRoute } from '../../src/openapi/describe'
import { ScheduleGetResponse } from '../../src/schemas/backups-api'

export default createRouter().get(
  '/api/services/:containerId/backups/schedule',
  describeRoute({ summary: "A service's backup schedule", tags: ['backups'], responses: { 200: ScheduleGetResponse } }),
  validate('param', ServiceParams),
  async (c) => {
    const { containerId } = c.req.valid('param')
    const schedule = await c.var.agent.getBackupSchedule(containerId, { signal: c.req.raw.signal })
    return c.json({ success: true, schedule }, 200)
  },
)
