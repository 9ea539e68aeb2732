import { createRouter } from '../../src/router'

/** Host CPU, load, memory, disks, container counts and Docker version; no network identifiers. */
export default createRouter().get('/api/services/system/metrics', async (c) => {
  const metrics = await c.var.agent.systemMetrics({ signal: c.req.raw.signal })
  return c.json({ success: true, metrics }, 200)
})
