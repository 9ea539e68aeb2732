import { createRouter } from '../../src/router'
import { ServiceParams } from '../../src/schemas/params'
import { validate } from '../../src/validate'

export default createRouter().get('/api/services/:containerId/backups', validate('param', ServiceParams), async (c) => {
  const { containerId } = c.req.valid('param')
  const { serviceId, backups, corrupt } = await c.var.agent.listBackups(containerId, { signal: c.req.raw.signal })
  return c.json({ success: true, serviceId, backups, total: backups.length, corrupt }, 200)
})
