import { createRouter } from '../../src/router'
import { ServiceParams } from '../../src/schemas/params'
import { validate } from '../../src/validate'

/** A service's own overrides and the thresholds in effect for it. */
export default createRouter().get('/api/services/:containerId/alerts/thresholds', validate('param', ServiceParams), async (c) => {
  const { containerId } = c.req.valid('param')
  const settings = await c.var.agent.getServiceAlertSettings(containerId, { signal: c.req.raw.signal })
  return c.json({ success: true, ...settings }, 200)
})
