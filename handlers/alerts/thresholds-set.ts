import { createRouter } from '../../src/router'
import { AlertThresholdsPatch } from '../../src/schemas/monitoring'
import { validate } from '../../src/validate'

/** Replaces the global override: fields left out fall back to the built-in defaults. */
export default createRouter().put('/api/alerts/thresholds', validate('json', AlertThresholdsPatch), async (c) => {
  const settings = await c.var.agent.setAlertThresholds(c.req.valid('json'), { signal: c.req.raw.signal })
  return c.json({ success: true, message: 'Alert thresholds saved', ...settings }, 200)
})
