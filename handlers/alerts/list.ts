import { createRouter } from '../../src/router'
import { AlertsQuery } from '../../src/schemas/monitoring'
import { validate } from '../../src/validate'

/** Firing alerts and the recently resolved ones, newest first. */
export default createRouter().get('/api/alerts', validate('query', AlertsQuery), async (c) => {
  const { serviceId, limit } = c.req.valid('query')
  const alerts = await c.var.agent.listAlerts({ serviceId, limit, signal: c.req.raw.signal })
  return c.json({ success: true, ...alerts, total: alerts.active.length + alerts.recent.length }, 200)
})
