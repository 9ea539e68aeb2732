import { createRouter } from '../../src/router'
import { LogsQuery, logsText } from '../../src/schemas/logs'
import { ServiceParams } from '../../src/schemas/params'
import { streamLogLines } from '../../src/events/sse'
import { validate } from '../../src/validate'
import { describeRoute } from '../../src/openapi/describe'
import { LOG_STREAM, LogsResponse } from '../../src/schemas/services-api'

export default createRouter().get(
  '/api/services/:containerId/logs',
  describeRoute({
    summary: "A service's logs (SSE with follow=true)",
    tags: ['services'],
    responses: { 200: [LogsResponse, LOG_STREAM] },
  }),
  validate('param', ServiceParams),
  validate('query', LogsQuery),
  async (c) => {
    const { containerId } = c.req.valid('param')
    const { follow, ...options } = c.req.valid('query')
    if (follow) {
      // Resolve first so an unknown service is a 404, not an error inside an open stream.
      await c.var.agent.getService(containerId, { signal: c.req.raw.signal })
      return streamLogLines(c, { logger: c.var.logger, requestId: c.var.requestId }, (signal) =>
        c.var.agent.followLogs(containerId, { ...options, signal }),
      )
    }
    const { logs: lines, truncated } = await c.var.agent.getLogs(containerId, { ...options, signal: c.req.raw.signal })
    // `logs` as one text, as the original API served it; the structured lines beside it.
    return c.json({ success: true, logs: logsText(lines), lines, count: lines.length, truncated }, 200)
  },
)
