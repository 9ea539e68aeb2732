import { createRouter } from '../../src/router'
import { ServiceParams } from '../../src/schemas/params'
import { validate } from '../../src/validate'

export default createRouter().get('/api/services/:containerId/storage', validate('param', ServiceParams), async (c) => {
  const { containerId } = c.req.valid('param')
  const storage = await c.var.agent.backupStorage(containerId, { signal: c.req.raw.signal })
  return c.json({ success: true, storage }, 200)
})
