import { Hono, type Context } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { bearerToken } from '../auth'
import { createAuthFailureGuard } from '../auth-failures'
import { downloadHeaders, rangeNotSatisfiable } from '../backup-download'
import { AppError, errorBody, tooLarge, unauthorized } from '../errors'
import { streamFeed, streamLogLines } from '../events/sse'
import { constantTimeEqual } from '../node-secret-check'
import type { EventFeed } from '../events/types'
import { assertJsonDepth } from '../json-depth'
import { BackupId } from '../schemas/backup'
import { EventsQuery } from '../schemas/events'
import { ServiceRef } from '../schemas/service'
import type { Logger } from '../logger'
import { AGENT_CONTRACT, isRpcMethod, type AgentClient } from './api'
import { UploadChecksumHeader, UploadStreamQuery } from './api/backups'
import { LogStreamQuery } from './api/services'
import { createStreamSlots, releaseWithBody } from '../stream-slots'

export interface AgentServerDeps {
  agent: AgentClient
  events: EventFeed
  token: string
  logger: Logger
  heartbeatMs?: number
  /** Who is calling, for the failed-token limit (the socket's peer on Node). */
  clientAddress?: (c: Context) => string | undefined
  /** Open log follows this agent serves at once, all callers together (ZAPIE_LOG_FOLLOW_MAX). */
  logFollowMax?: number
}

const invalid = (message: string) => new AppError(400, 'invalid_input', message)

const parseOrNull = (text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch {
    return null
  }
}

const isUpload = (path: string) => /^\/backups\/[^/]+\/upload$/.test(path)

/**
 * Answers at once and sends the JSON result when `run` settles, with a space (JSON allows
 * leading whitespace) every 15 s meanwhile: a long backup or restore never trips an HTTP
 * client's header or idle timeout. A failure arrives as the error envelope plus its `status`.
 */
function longJson(run: () => Promise<unknown>, logger: Logger): Response {
  const encoder = new TextEncoder()
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (text: string) => {
        try {
          controller.enqueue(encoder.encode(text))
        } catch {
          // the client went away; the job itself carries on
        }
      }
      send(' ')
      const timer = setInterval(() => send(' '), 15_000)
      let body: unknown
      try {
        body = { success: true, result: await run() }
      } catch (err) {
        const error = err instanceof AppError ? err : new AppError(500, 'internal_error', 'Agent internal error')
        if (!(err instanceof AppError))
          logger.error({ msg: 'agent error', error: String(err), stack: (err as Error).stack })
        else if (err.internal) logger.warn({ msg: 'agent call failed', code: err.code, detail: err.internal })
        body = { ...errorBody(error, undefined), status: error.status }
      } finally {
        clearInterval(timer)
      }
      send(JSON.stringify(body))
      try {
        controller.close()
      } catch {
        // already cancelled
      }
    },
  })
  return new Response(stream, { status: 200, headers: { 'content-type': 'application/json', 'x-zapie-long-rpc': '1' } })
}

/**
 * The agent's HTTP API, for handlers that run elsewhere (split and edge modes): a bearer token
 * on every route but /health, JSON RPC for plain calls, SSE for logs and events.
 */
export function createAgentServer(deps: AgentServerDeps) {
  const failures = createAuthFailureGuard()
  // Each follow holds a Docker connection: the agent bounds them itself, whichever API servers call.
  const follows = createStreamSlots()
  const followMax = deps.logFollowMax ?? 32
  return new Hono()
    .onError((err, c) => {
      const error = err instanceof AppError ? err : new AppError(500, 'internal_error', 'Agent internal error')
      if (!(err instanceof AppError))
        deps.logger.error({ msg: 'agent error', error: String(err), stack: (err as Error).stack })
      else if (err.internal) deps.logger.warn({ msg: 'agent call failed', code: err.code, detail: err.internal })
      return c.json(errorBody(error, undefined), error.status)
    })
    .notFound((c) => c.json({ success: false, error: 'No such agent route', code: 'not_found' }, 404))
    .get('/health', (c) => c.json({ success: true, status: 'ok' }, 200))
    .use('*', async (c, next) => {
      const given = bearerToken(c.req.header('authorization'))
      // In edge mode the agent faces the internet: guessing its token is slowed per client too.
      const client = deps.clientAddress?.(c) || 'unknown'
      const wait = given ? failures.retryAfter(client, Date.now()) : 0
      if (wait) {
        c.header('Retry-After', String(wait))
        throw new AppError(
          429,
          'rate_limited',
          'Too many wrong agent tokens from this client; wait before trying again',
        )
      }
      // Node only: the synchronous constant-time check, not a Web Crypto digest per request.
      if (!given || !constantTimeEqual(given, deps.token)) {
        if (given) failures.fail(client, Date.now())
        throw unauthorized('A valid agent token is required')
      }
      await next()
    })
    .use('*', (c, next) =>
      // Uploads stream past the JSON limit; the backup engine enforces their own limit.
      isUpload(c.req.path)
        ? next()
        : bodyLimit({
            maxSize: 1024 * 1024,
            onError: () => {
              throw tooLarge()
            },
          })(c, next),
    )
    .post('/rpc/:method', async (c) => {
      const method = c.req.param('method')
      if (!isRpcMethod(method)) throw new AppError(404, 'not_found', `Unknown agent method '${method}'`)
      const spec = AGENT_CONTRACT[method]
      const text = await c.req.text()
      // The same depth bound as the API applies to every body the agent parses.
      assertJsonDepth(text)
      const body = parseOrNull(text) as { args?: unknown } | null
      const parsed = spec.args.safeParse(body?.args ?? [])
      if (!parsed.success) throw invalid(`Invalid arguments for ${method}: ${parsed.error.message}`)
      // The contract's args are the positional arguments, then the options (signal: this request's).
      const args = parsed.data as unknown[]
      const options = { ...((args[args.length - 1] as object | undefined) ?? {}), signal: c.req.raw.signal }
      const run = deps.agent[method] as (...a: unknown[]) => Promise<unknown>
      const invoke = () => run.apply(deps.agent, [...args.slice(0, -1), options])
      if (spec.transport === 'long') return longJson(invoke, deps.logger)
      return c.json({ success: true, result: await invoke() }, 200)
    })
    .get('/backups/:ref/:backupId/download', async (c) => {
      const ref = ServiceRef.safeParse(c.req.param('ref'))
      const backupId = BackupId.safeParse(c.req.param('backupId'))
      if (!ref.success || !backupId.success) throw invalid('Invalid download request')
      const download = await deps.agent.openBackupDownload(ref.data, backupId.data, {
        range: c.req.header('range'),
        signal: c.req.raw.signal,
      })
      if (download.status === 416) {
        return c.json(errorBody(rangeNotSatisfiable(download), undefined), 416, downloadHeaders(download))
      }
      if (c.req.method === 'HEAD') await download.body.cancel()
      return new Response(c.req.method === 'HEAD' ? null : download.body, {
        status: download.status,
        headers: downloadHeaders(download),
      })
    })
    .get('/archives/:backupId/download', async (c) => {
      // By backup id alone: the backups of a deleted service are downloaded this way.
      const backupId = BackupId.safeParse(c.req.param('backupId'))
      if (!backupId.success) throw invalid('Invalid download request')
      const download = await deps.agent.openBackupDownloadById(backupId.data, {
        range: c.req.header('range'),
        signal: c.req.raw.signal,
      })
      if (download.status === 416) {
        return c.json(errorBody(rangeNotSatisfiable(download), undefined), 416, downloadHeaders(download))
      }
      if (c.req.method === 'HEAD') await download.body.cancel()
      return new Response(c.req.method === 'HEAD' ? null : download.body, {
        status: download.status,
        headers: downloadHeaders(download),
      })
    })
    .post('/backups/:ref/upload', async (c) => {
      const ref = ServiceRef.safeParse(c.req.param('ref'))
      const query = UploadStreamQuery.safeParse(c.req.query())
      const sha256 = UploadChecksumHeader.safeParse(c.req.header('x-checksum-sha256'))
      if (!ref.success || !query.success || !sha256.success) throw invalid('Invalid upload request')
      const body = c.req.raw.body
      if (!body) throw invalid('The upload has no body')
      const result = await deps.agent.uploadBackup(ref.data, body, {
        ...query.data,
        sha256: sha256.data,
        signal: c.req.raw.signal,
      })
      return c.json({ success: true, result }, 200)
    })
    .get('/logs/:ref', async (c) => {
      const ref = ServiceRef.safeParse(c.req.param('ref'))
      const query = LogStreamQuery.safeParse(c.req.query())
      if (!ref.success || !query.success) throw invalid('Invalid log stream request')
      const release = follows.acquire('all', { perClient: followMax, total: followMax })
      c.req.raw.signal.addEventListener('abort', release, { once: true })
      try {
        await deps.agent.getService(ref.data, { signal: c.req.raw.signal })
        const response = streamLogLines(c, { logger: deps.logger }, (signal) =>
          deps.agent.followLogs(ref.data, { ...query.data, signal }),
        )
        return new Response(releaseWithBody(response.body!, release), response)
      } catch (err) {
        release()
        throw err
      }
    })
    .get('/events', (c) => {
      const query = EventsQuery.safeParse(c.req.query())
      if (!query.success) throw invalid('Invalid event filters')
      const { types, services, deploymentId, lastEventId } = query.data
      return streamFeed(c, deps.events, {
        filter: { types, services, deploymentId },
        lastEventId: c.req.header('last-event-id') || lastEventId,
        heartbeatMs: deps.heartbeatMs,
        logger: deps.logger,
      })
    })
}
