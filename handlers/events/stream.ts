import { createRouter } from '../../src/router'
import { EventsQuery } from '../../src/schemas/events'
import { streamFeed } from '../../src/events/sse'
import { validate } from '../../src/validate'
import { describeRoute } from '../../src/openapi/describe'
import { EVENT_STREAM } from '../../src/schemas/system-api'

/** Every event as SSE, filtered; `Last-Event-ID` (header or query) replays what was missed. */
export default createRouter().get(
  '/api/events',
  describeRoute({ summary: 'Live events (Server-Sent Events)', tags: ['events'], responses: { 200: EVENT_STREAM } }),
  validate('query', EventsQuery),
  (c) => {
    const { types, services, deploymentId, lastEventId } = c.req.valid('query')
    return streamFeed(c, c.var.events, {
      filter: { types, services, deploymentId },
      lastEventId: c.req.header('last-event-id') || lastEventId,
      heartbeatMs: c.var.config.sseHeartbeatMs,
      logger: c.var.logger,
      requestId: c.var.requestId,
    })
  },
)
