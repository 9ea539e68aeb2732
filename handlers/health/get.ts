import { createJsonCache } from '../../src/cached-json'
import { AppError } from '../../src/errors'
import { describeRoute } from '../../src/openapi/describe'
import { requestSignal } from '../../src/request-signal'
import { createRouter } from '../../src/router'
import { HealthBody } from '../../src/schemas/system-api'

const UNKNOWN_DOCKER = { status: 'unknown' as const, version: null, apiVersion: null }
const DISCONNECTED_DOCKER = { status: 'disconnected' as const, version: null, apiVersion: null }

// The full answer's text, kept with the agent's system summary (the same object while the
// engine info and the service count are) for each combination of the other parts.
const json = createJsonCache()

/**
 * Up or down for anyone. With a token: the agent, Docker and storage each on their own, so a
 * split deployment whose agent is down says so instead of blaming Docker; then counts and host
 * facts. A 503 answer says `success: false`.
 */
export default createRouter().get(
  '/api/health',
  describeRoute({
    summary: 'Up or down for anyone; agent, Docker, storage and host facts with a token',
    tags: ['health'],
    responses: { 200: HealthBody, 503: HealthBody },
    public: true,
  }),
  // c.get, not c.var: Hono's c.var copies every variable into a new object on each access.
  async (c) => {
    const [reach, storage] = await Promise.all([
      c
        .get('agent')
        .dockerStatus(requestSignal(c))
        .then(
          (docker) => ({ agent: 'up' as const, docker }),
          // Only an agent that cannot be reached leaves Docker's state unknown.
          (err) =>
            err instanceof AppError && err.code === 'agent_unavailable'
              ? { agent: 'down' as const, docker: UNKNOWN_DOCKER }
              : { agent: 'up' as const, docker: DISCONNECTED_DOCKER },
        ),
      // The stores answer within their own deadline, so a frozen store cannot hold this check.
      c
        .get('stores')
        .ping()
        .then(
          () => 'up' as const,
          () => 'down' as const,
        ),
    ])
    const { agent, docker } = reach
    const up = agent === 'up' && docker.status === 'connected' && storage === 'up'
    const status = up ? ('ok' as const) : ('degraded' as const)
    const httpStatus = up ? 200 : 503
    // Anyone may ask whether it is up; what runs underneath (versions) is for the token holder.
    if (!c.get('authenticated')) return c.json({ success: up, status }, httpStatus)
    const parts = {
      agent: { status: agent, mode: c.get('config').agentUrl ? ('remote' as const) : ('in-process' as const) },
      storage: { status: storage },
    }
    if (docker.status !== 'connected') {
      return c.json(
        { success: up, status, docker: { status: docker.status, version: docker.version }, ...parts },
        httpStatus,
      )
    }
    const system = await c.get('agent').systemSummary(requestSignal(c))
    const subscribers = c.get('events').subscriberCount()
    const body = () => ({
      success: up,
      status,
      docker: { status: docker.status, version: docker.version, apiVersion: docker.apiVersion },
      ...parts,
      containers: system.containers,
      images: system.images,
      host: system.host,
      events: { subscribers },
    })
    const variant = `${status}|${agent}|${storage}|${parts.agent.mode}|${docker.version}|${docker.apiVersion}|${subscribers}`
    return json(c, system, body, httpStatus, variant)
  },
)
