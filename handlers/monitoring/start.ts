import { createRouter } from '../../src/router'
import { MonitoringStartBody } from '../../src/schemas/monitoring'
import { ServiceParams } from '../../src/schemas/params'
import { validate } from '../../src/validate'
import { describeRoute } from '../../src/openapi/describe'
import { MonitoringChangeResponse } from '../../src/schemas/monitoring-api'

/** `{ interval }` in milliseconds, 1000–3600000 (default 10000); persisted across agent restarts. */
export default createRouter().post(
  '/api/services/:containerId/monitoring/start',
  describeRoute({
    summary: 'Start monitoring a service',
    tags: ['monitoring'],
    responses: { 200: MonitoringChangeResponse },
  }),
  validate('param', ServiceParams),
  validate('json', MonitoringStartBody),
  async (c) => {
    const { containerId } = c.req.valid('param')
    const { interval } = c.req.valid('json')
    const monitoring = await c.var.agent.startMonitoring(containerId, {
      intervalMs: interval,
      signal: c.req.raw.signal,
    })
    return c.json({ success: true, message: `Monitoring every ${interval} ms`, monitoring }, 200)
  },
)
