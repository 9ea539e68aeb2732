import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { bearerToken, secretsEqual } from '../auth'
import { AppError, errorBody, tooLarge, unauthorized } from '../errors'
import { streamFeed, streamLogLines } from '../events/sse'
import type { EventFeed } from '../events/types'
import { EventsQuery } from '../schemas/events'
import { ServiceRef } from '../schemas/service'
import type { Logger } from '../logger'
import type { AgentClient } from './client'
import { LogStreamQuery, RPC_ARGS, type RpcMethod } from './rpc'

export interface AgentServerDeps {
  agent: AgentClient
  events: EventFeed
  token: string
  logger: Logger
  heartbeatMs?: number
}

const invalid = (message: string) => new AppError(400, 'invalid_input', message)

/**
 * The agent's HTTP API, for handlers that run elsewhere (split and edge modes): a bearer token
 * on every route but /health, JSON RPC for plain calls, SSE for logs and events.
 */
export function createAgentServer(deps: AgentServerDeps) {
  return new Hono()
    .onError((err, c) => {
      const error = err instanceof AppError ? err : new AppError(500, 'internal_error', 'Agent internal error')
      if (!(err instanceof AppError)) deps.logger.error({ msg: 'agent error', error: String(err), stack: (err as Error).stack })
      return c.json(errorBody(error, undefined), error.status)
    })
    .notFound((c) => c.json({ success: false, error: 'No such agent route', code: 'not_found' }, 404))
    .get('/health', (c) => c.json({ success: true, status: 'ok' }, 200))
    .use('*', async (c, next) => {
      const given = bearerToken(c.req.header('authorization'))
      if (!given || !(await secretsEqual(given, deps.token))) throw unauthorized('A valid agent token is required')
      await next()
    })
    .use('*', bodyLimit({ maxSize: 1024 * 1024, onError: () => { throw tooLarge() } }))
    .post('/rpc/:method', async (c) => {
      const method = c.req.param('method')
      if (!Object.hasOwn(RPC_ARGS, method)) throw new AppError(404, 'not_found', `Unknown agent method '${method}'`)
      const body = (await c.req.json().catch(() => null)) as { args?: unknown } | null
      const parsed = RPC_ARGS[method as RpcMethod].safeParse(body?.args ?? [])
      if (!parsed.success) throw invalid(`Invalid arguments for ${method}: ${parsed.error.message}`)
      const args = parsed.data as unknown[]
      const options = { ...((args[args.length - 1] as object | undefined) ?? {}), signal: c.req.raw.signal }
      const call = deps.agent[method as RpcMethod] as (...a: unknown[]) => Promise<unknown>
      const result = await call.apply(deps.agent, [...args.slice(0, -1), options])
      return c.json({ success: true, result }, 200)
    })
    .get('/logs/:ref', async (c) => {
      const ref = ServiceRef.safeParse(c.req.param('ref'))
      const query = LogStreamQuery.safeParse(c.req.query())
      if (!ref.success || !query.success) throw invalid('Invalid log stream request')
      await deps.agent.getService(ref.data, { signal: c.req.raw.signal })
      return streamLogLines(c, (signal) => deps.agent.followLogs(ref.data, { ...query.data, signal }))
    })
    .get('/events', (c) => {
      const query = EventsQuery.safeParse(c.req.query())
      if (!query.success) throw invalid('Invalid event filters')
      const { types, services, deploymentId, lastEventId } = query.data
      return streamFeed(c, deps.events, {
        filter: { types, services, deploymentId },
        lastEventId: c.req.header('last-event-id') || lastEventId,
        heartbeatMs: deps.heartbeatMs,
      })
    })
}
