import { createRouter } from '../../src/router'
import { AlertThresholdsPatch } from '../../src/schemas/monitoring'
import { ServiceParams } from '../../src/schemas/params'
import { validate } from '../../src/validate'

/** Replaces the service's override; `{}` makes it follow the global thresholds again. */
export default createRouter().put(
  '/api/services/:containerId/alerts/thresholds',
  validate('param', ServiceParams),
  validate('json', AlertThresholdsPatch),
  async (c) => {
    const { containerId } = c.req.valid('param')
    const settings = await c.var.agent.setServiceAlertThresholds(containerId, c.req.valid('json'), { signal: c.req.raw.signal })
    return c.json({ success: true, message: 'Service alert thresholds saved', ...settings }, 200)
  },
)
