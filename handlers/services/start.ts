import { createRouter } from '../../src/router'
import { ServiceParams } from '../../src/schemas/params'
import { validate } from '../../src/validate'

export default createRouter().post('/api/services/:containerId/start', validate('param', ServiceParams), async (c) => {
  const { containerId } = c.req.valid('param')
  const service = await c.var.agent.startService(containerId, { signal: c.req.raw.signal })
  return c.json({ success: true, message: 'Service started successfully', service }, 200)
})
