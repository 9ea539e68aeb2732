import { createRouter } from '../../src/router'

const TICKET_TTL_MS = 60_000

/** A single-use ticket for `GET /api/events?ticket=`, valid for a minute. */
export default createRouter().post('/api/events/ticket', async (c) => {
  const { ticket, expiresAt } = await c.var.stores.tickets.issue(TICKET_TTL_MS, c.var.clock.now())
  return c.json({ success: true, ticket, expiresAt }, 201)
})
