import { createRouter } from '../../src/router'

export default createRouter().get('/api/services/monitoring/status', async (c) => {
  const monitoring = await c.var.agent.monitoringStatus({ signal: c.req.raw.signal })
  return c.json({ success: true, monitoring }, 200)
})
