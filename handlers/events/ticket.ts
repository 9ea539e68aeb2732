import { createRouter } from '../../src/router'
import { describeRoute } from '../../src/openapi/describe'
import { TicketResponse } from '../../src/schemas/system-api'

const TICKET_TTL_MS = 60_000

/** A single-use ticket for `GET /api/events?ticket=`, valid for a minute. */
export default createRouter().post(
  '/api/events/ticket',
  describeRoute({
    summary: 'A single-use ticket for GET /api/events?ticket=',
    tags: ['events'],
    responses: { 201: TicketResponse },
  }),
  async (c) => {
    const { ticket, expiresAt } = await c.var.stores.tickets.issue(TICKET_TTL_MS, c.var.clock.now())
    return c.json({ success: true, ticket, expiresAt }, 201)
  },
)
