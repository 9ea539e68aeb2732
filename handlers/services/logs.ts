import { createRouter } from '../../src/router'
import { LogsQuery } from '../../src/schemas/logs'
import { ServiceParams } from '../../src/schemas/params'
import { streamLogLines } from '../../src/events/sse'
import { validate } from '../../src/validate'

export default createRouter().get(
  '/api/services/:containerId/logs',
  validate('param', ServiceParams),
  validate('query', LogsQuery),
  async (c) => {
    const { containerId } = c.req.valid('param')
    const { follow, ...options } = c.req.valid('query')
    if (follow) {
      // Resolve first so an unknown service is a 404, not an error inside an open stream.
      await c.var.agent.getService(containerId, { signal: c.req.raw.signal })
      return streamLogLines(c, { logger: c.var.logger, requestId: c.var.requestId }, (signal) => c.var.agent.followLogs(containerId, { ...options, signal }))
    }
    const { logs, truncated } = await c.var.agent.getLogs(containerId, { ...options, signal: c.req.raw.signal })
    return c.json({ success: true, logs, count: logs.length, truncated }, 200)
  },
)
