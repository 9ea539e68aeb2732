import { createRouter } from '../../src/router'

/** Every managed service, stopped ones too, from the collector's latest samples (no Docker call). */
export default createRouter().get('/api/services/health/all', async (c) => {
  const overview = await c.var.agent.getAllHealth({ signal: c.req.raw.signal })
  return c.json({ success: true, ...overview, total: overview.services.length }, 200)
})
