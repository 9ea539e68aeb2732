import { createRouter } from '../../src/router'

export default createRouter().get('/api/services', async (c) => {
  const services = await c.var.agent.listServices({ signal: c.req.raw.signal })
  return c.json({ success: true, services, total: services.length }, 200)
})
