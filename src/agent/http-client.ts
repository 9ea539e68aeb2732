import { downloadFromResponse } from '../backup-download'
import { agentUnavailable, AppError, errorFromEnvelope } from '../errors'
import { readSSE } from '../events/sse-reader'
import type { z } from 'zod'
import type { RestoreResult } from '../schemas/backup'
import type { LogLine } from '../schemas/service'
import { AGENT_CONTRACT, RPC_METHODS, type AgentClient, type RpcMethod } from './api'
import { LogLineWire } from './api/services'

export interface HttpAgentOptions {
  /** Base URL of the agent, e.g. http://127.0.0.1:5001 */
  url: string
  token: string
  /** Per-call deadline for plain calls; streams are bounded by their signal instead. */
  timeoutMs?: number
  fetch?: typeof fetch
}

/** Folds an optional caller signal and a deadline into one signal. */
export function deadline(signal: AbortSignal | undefined, ms: number): AbortSignal {
  const timeout = AbortSignal.timeout(ms)
  return signal ? AbortSignal.any([signal, timeout]) : timeout
}

/**
 * Opens a request to the agent, mapping "cannot reach" to 503 and error envelopes to AppError
 * (except for the statuses in `accept`, which the caller reads itself).
 */
export async function agentFetch(
  options: HttpAgentOptions,
  path: string,
  init: RequestInit & { headers?: Record<string, string>; duplex?: 'half' },
  accept: readonly number[] = [],
) {
  const doFetch = options.fetch ?? fetch
  let response: Response
  try {
    response = await doFetch(`${options.url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${options.token}`, ...init.headers },
    })
  } catch (err) {
    if ((err as Error)?.name === 'TimeoutError')
      throw agentUnavailable(`The host agent at ${options.url} did not answer in time`)
    if (init.signal?.aborted) throw new AppError(503, 'aborted', 'The request was aborted')
    throw agentUnavailable(`The host agent at ${options.url} is not reachable`)
  }
  if (!response.ok && !accept.includes(response.status)) {
    const body = await response.json().catch(() => null)
    throw errorFromEnvelope(response.status, body)
  }
  return response
}

/**
 * The agent answered something its contract does not allow (a different version, a bug): a
 * 502 that names the method and where the answer went wrong, never a half-typed value.
 */
export function protocolError(method: string, error: z.ZodError): AppError {
  const details = error.issues.slice(0, 20).map((issue) => ({
    path: ['result', ...issue.path.map(String)].join('.'),
    code: issue.code,
    message: issue.message,
  }))
  return new AppError(
    502,
    'agent_protocol_error',
    `The host agent answered '${method}' with a result its contract does not allow`,
    details,
  )
}

function parseResult<T>(method: string, schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value)
  if (!parsed.success) throw protocolError(method, parsed.error)
  return parsed.data
}

type RpcStubs = Pick<AgentClient, RpcMethod>

/** The AgentClient over HTTP: the same answers and errors as the in-process one. */
export function createHttpAgentClient(options: HttpAgentOptions): AgentClient {
  const timeoutMs = options.timeoutMs ?? 60_000

  /** `args` as the contract orders them: positional arguments, then the options (signal stays here). */
  async function call(method: RpcMethod, args: unknown[]): Promise<unknown> {
    const spec = AGENT_CONTRACT[method]
    const arity = spec.args.def.items.length
    const { signal, ...rest } = (args[arity - 1] ?? {}) as { signal?: AbortSignal }
    const long = spec.transport === 'long'
    const response = await agentFetch(options, `/rpc/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ args: [...args.slice(0, arity - 1), rest] }),
      // A long call (a deploy, a backup, a restore) is bounded by its caller, not by a deadline.
      signal: long ? signal : deadline(signal, timeoutMs),
    })
    const body = (await response.json().catch(() => null)) as {
      success?: unknown
      result?: unknown
      status?: number
    } | null
    if (body === null || typeof body !== 'object')
      throw new AppError(
        502,
        'agent_protocol_error',
        `The host agent answered '${method}' with something that is not JSON`,
      )
    // A long call answered 200 at once; how it went is in the body.
    if (body.success !== true) throw errorFromEnvelope(body.status ?? 502, body)
    return parseResult(method, spec.result as z.ZodType, body.result)
  }

  // One stub per call in the contract: nothing here is written per method.
  const stubs = Object.fromEntries(
    RPC_METHODS.map((method) => [method, (...args: unknown[]) => call(method, args)]),
  ) as unknown as RpcStubs

  return {
    ...stubs,
    async openBackupDownloadById(backupId, o) {
      const response = await agentFetch(
        options,
        `/archives/${encodeURIComponent(backupId)}/download`,
        { headers: o.range ? { range: o.range } : {}, signal: o.signal },
        [416],
      )
      return downloadFromResponse(response)
    },
    async openBackupDownload(ref, backupId, o) {
      const path = `/backups/${encodeURIComponent(ref)}/${encodeURIComponent(backupId)}/download`
      const response = await agentFetch(
        options,
        path,
        { headers: o.range ? { range: o.range } : {}, signal: o.signal },
        [416],
      )
      // The body is handed on as it arrives: nothing is buffered here.
      return downloadFromResponse(response)
    },
    async uploadBackup(ref, body, o) {
      // Stored first (the body streams through untouched), then restored as a long call of
      // its own, so no response has to wait for the whole upload and restore.
      const query = new URLSearchParams({
        restore: 'false',
        limit: String(o.limit),
        ...(o.name ? { name: o.name } : {}),
      })
      const response = await agentFetch(options, `/backups/${encodeURIComponent(ref)}/upload?${query}`, {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream', ...(o.sha256 ? { 'x-checksum-sha256': o.sha256 } : {}) },
        body,
        duplex: 'half',
        signal: o.signal,
      })
      const answer = (await response.json().catch(() => null)) as { result?: unknown } | null
      const { backup } = parseResult('uploadBackup', AGENT_CONTRACT.uploadBackup.result, answer?.result)
      if (!o.restore) return { backup, restore: null }
      let restore: RestoreResult
      try {
        restore = await stubs.restoreBackup(ref, backup.id, { signal: o.signal })
      } catch (err) {
        const e = err as AppError
        throw new AppError(
          e.status,
          e.code,
          `The archive was stored as backup ${backup.id}, but restoring it failed: ${e.message}`,
          [{ backupId: backup.id }],
        )
      }
      return { backup, restore }
    },
    async *followLogs(ref, o): AsyncIterable<LogLine> {
      const query = new URLSearchParams({ tail: String(o.tail), timestamps: String(o.timestamps) })
      if (o.since !== undefined) query.set('since', String(o.since))
      const response = await agentFetch(options, `/logs/${encodeURIComponent(ref)}?${query}`, { signal: o.signal })
      for await (const message of readSSE(response.body!, o.signal)) {
        if (message.event === 'log') yield parseResult('followLogs', LogLineWire, JSON.parse(message.data))
        else if (message.event === 'error') throw new AppError(502, 'agent_stream_error', message.data)
        else if (message.event === 'end') return
      }
    },
  }
}
