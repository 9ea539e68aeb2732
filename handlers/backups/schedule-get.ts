import { createRouter } from '../../src/router'
import { ServiceParams } from '../../src/schemas/params'
import { validate } from '../../src/validate'

export default createRouter().get('/api/services/:containerId/backups/schedule', validate('param', ServiceParams), async (c) => {
  const { containerId } = c.req.valid('param')
  const schedule = await c.var.agent.getBackupSchedule(containerId, { signal: c.req.raw.signal })
  return c.json({ success: true, schedule }, 200)
})
