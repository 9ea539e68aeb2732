import { createRouter } from '../../src/router'
import { AlertsQuery } from '../../src/schemas/monitoring'
import { alertView } from '../../src/schemas/monitoring-api'
import { validate } from '../../src/validate'
import { describeRoute } from '../../src/openapi/describe'
import { AlertsResponse } from '../../src/schemas/monitoring-api'

/** Firing alerts and the recently resolved ones, newest first. */
export default createRouter().get(
  '/api/alerts',
  describeRoute({
    summary: 'Firing and recently resolved alerts',
    tags: ['alerts'],
    responses: { 200: AlertsResponse },
  }),
  validate('query', AlertsQuery),
  async (c) => {
    const { serviceId, limit } = c.req.valid('query')
    const alerts = await c.var.agent.listAlerts({ serviceId, limit, signal: c.req.raw.signal })
    const active = alerts.active.map(alertView)
    const recent = alerts.recent.map(alertView)
    return c.json({ success: true, active, recent, total: active.length + recent.length }, 200)
  },
)
