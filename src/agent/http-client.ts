import { agentUnavailable, AppError, errorFromEnvelope } from '../errors'
import { readSSE } from '../events/sse-reader'
import type { LogLine } from '../schemas/service'
import type { AgentClient } from './client'
import type { RpcMethod } from './rpc'

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

/** Opens a request to the agent, mapping "cannot reach" to 503 and error envelopes to AppError. */
export async function agentFetch(options: HttpAgentOptions, path: string, init: RequestInit & { headers?: Record<string, string> }) {
  const doFetch = options.fetch ?? fetch
  let response: Response
  try {
    response = await doFetch(`${options.url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${options.token}`, ...init.headers },
    })
  } catch (err) {
    if ((err as Error)?.name === 'TimeoutError') throw agentUnavailable(`The host agent at ${options.url} did not answer in time`)
    if (init.signal?.aborted) throw new AppError(503, 'aborted', 'The request was aborted')
    throw agentUnavailable(`The host agent at ${options.url} is not reachable`)
  }
  if (!response.ok) {
    const body = await response.json().catch(() => null)
    throw errorFromEnvelope(response.status, body)
  }
  return response
}

/** The AgentClient over HTTP: the same answers and errors as the in-process one. */
export function createHttpAgentClient(options: HttpAgentOptions): AgentClient {
  const timeoutMs = options.timeoutMs ?? 60_000

  async function call<T>(method: RpcMethod, args: unknown[], callOptions: { signal?: AbortSignal } | undefined): Promise<T> {
    const { signal, ...rest } = callOptions ?? {}
    const response = await agentFetch(options, `/rpc/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ args: [...args, rest] }),
      signal: deadline(signal, timeoutMs),
    })
    const body = (await response.json()) as { result: T }
    return body.result
  }

  return {
    dockerStatus: (o) => call('dockerStatus', [], o),
    systemSummary: (o) => call('systemSummary', [], o),
    listServices: (o) => call('listServices', [], o),
    getService: (ref, o) => call('getService', [ref], o),
    startService: (ref, o) => call('startService', [ref], o),
    stopService: (ref, o) => call('stopService', [ref], o),
    restartService: (ref, o) => call('restartService', [ref], o),
    removeService: (ref, o) => call('removeService', [ref], o),
    getLogs: (ref, o) => call('getLogs', [ref], o),
    getHealth: (ref, o) => call('getHealth', [ref], o),
    getAllHealth: (o) => call('getAllHealth', [], o),
    getMetrics: (ref, o) => call('getMetrics', [ref], o),
    startMonitoring: (ref, o) => call('startMonitoring', [ref], o),
    stopMonitoring: (ref, o) => call('stopMonitoring', [ref], o),
    monitoringStatus: (o) => call('monitoringStatus', [], o),
    systemMetrics: (o) => call('systemMetrics', [], o),
    listAlerts: (o) => call('listAlerts', [], o),
    getAlertSettings: (o) => call('getAlertSettings', [], o),
    setAlertThresholds: (thresholds, o) => call('setAlertThresholds', [thresholds], o),
    getServiceAlertSettings: (ref, o) => call('getServiceAlertSettings', [ref], o),
    setServiceAlertThresholds: (ref, thresholds, o) => call('setServiceAlertThresholds', [ref, thresholds], o),
    setAlertWebhook: (url, o) => call('setAlertWebhook', [url], o),
    async *followLogs(ref, o): AsyncIterable<LogLine> {
      const query = new URLSearchParams({ tail: String(o.tail), timestamps: String(o.timestamps) })
      if (o.since !== undefined) query.set('since', String(o.since))
      const response = await agentFetch(options, `/logs/${encodeURIComponent(ref)}?${query}`, { signal: o.signal })
      for await (const message of readSSE(response.body!, o.signal)) {
        if (message.event === 'log') yield JSON.parse(message.data) as LogLine
        else if (message.event === 'error') throw new AppError(502, 'agent_stream_error', message.data)
        else if (message.event === 'end') return
      }
    },
  }
}
