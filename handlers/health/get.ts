import { createRouter } from '../../src/router'

/** Up or down for anyone; Docker's version, counts and host facts only with a token. */
export default createRouter().get('/api/health', async (c) => {
  const docker = await c.var.agent.dockerStatus({ signal: c.req.raw.signal }).catch(() => ({
    status: 'disconnected' as const,
    version: null,
    apiVersion: null,
  }))
  const status = docker.status === 'connected' ? ('ok' as const) : ('degraded' as const)
  const httpStatus = status === 'ok' ? 200 : 503
  // Anyone may ask whether it is up; what runs underneath (versions) is for the token holder.
  if (!c.var.authenticated) return c.json({ success: true, status }, httpStatus)
  if (docker.status !== 'connected') {
    return c.json({ success: true, status, docker: { status: docker.status, version: docker.version } }, httpStatus)
  }
  const system = await c.var.agent.systemSummary({ signal: c.req.raw.signal })
  return c.json(
    {
      success: true,
      status,
      docker: { status: docker.status, version: docker.version, apiVersion: docker.apiVersion },
      containers: system.containers,
      images: system.images,
      host: system.host,
      events: { subscribers: c.var.events.subscriberCount() },
    },
    httpStatus,
  )
})
