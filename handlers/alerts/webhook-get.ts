import { createRouter } from '../../src/router'

/** Whether a webhook is set; its URL only as scheme and host (the rest is often its secret). */
export default createRouter().get('/api/alerts/webhook', async (c) => {
  const { webhook } = await c.var.agent.getAlertSettings({ signal: c.req.raw.signal })
  return c.json({ success: true, webhook }, 200)
})
