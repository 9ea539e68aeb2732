import { createRouter } from '../../src/router'
import { ServiceParams } from '../../src/schemas/params'
import { validate } from '../../src/validate'

export default createRouter().get('/api/services/:containerId/health', validate('param', ServiceParams), async (c) => {
  const { containerId } = c.req.valid('param')
  const health = await c.var.agent.getHealth(containerId, { signal: c.req.raw.signal })
  return c.json({ success: true, health }, 200)
})
