import { createRouter } from '../../src/router'

/** Liveness, Docker and storage connectivity for anyone; counts and host facts only with a token. */
export default createRouter().get('/api/health', async (c) => {
  const [docker, storage] = await Promise.all([
    c.var.agent.dockerStatus({ signal: c.req.raw.signal }).catch(() => ({
      status: 'disconnected' as const,
      version: null,
      apiVersion: null,
    })),
    // The stores answer within their own deadline, so a frozen store cannot hold this check.
    c.var.stores.ping().then(() => 'up' as const, () => 'down' as const),
  ])
  const status = docker.status === 'connected' && storage === 'up' ? ('ok' as const) : ('degraded' as const)
  const httpStatus = status === 'ok' ? 200 : 503
  if (!c.var.authenticated) {
    return c.json({ success: true, status, docker: { status: docker.status, version: docker.version } }, httpStatus)
  }
  if (docker.status !== 'connected') {
    return c.json({ success: true, status, docker: { status: docker.status, version: docker.version }, storage: { status: storage } }, httpStatus)
  }
  const system = await c.var.agent.systemSummary({ signal: c.req.raw.signal })
  return c.json(
    {
      success: true,
      status,
      docker: { status: docker.status, version: docker.version, apiVersion: docker.apiVersion },
      storage: { status: storage },
      containers: system.containers,
      images: system.images,
      host: system.host,
      events: { subscribers: c.var.events.subscriberCount() },
    },
    httpStatus,
  )
})
