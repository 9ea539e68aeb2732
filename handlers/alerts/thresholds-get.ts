import { createRouter } from '../../src/router'

/** Global thresholds in effect, the built-in defaults, the rule names and the webhook (redacted). */
export default createRouter().get('/api/alerts/thresholds', async (c) => {
  const settings = await c.var.agent.getAlertSettings({ signal: c.req.raw.signal })
  return c.json({ success: true, ...settings }, 200)
})
