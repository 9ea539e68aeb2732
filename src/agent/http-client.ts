import { downloadFromResponse } from '../backup-download'
import { agentUnavailable, AppError, errorFromEnvelope } from '../errors'
import { readSSE } from '../events/sse-reader'
import type { BackupSummary, RestoreResult } from '../schemas/backup'
import type { LogLine } from '../schemas/service'
import type { AgentClient } from './api'
import { LONG_RPC, type RpcMethod } from './rpc'

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
    if ((err as Error)?.name === 'TimeoutError') throw agentUnavailable(`The host agent at ${options.url} did not answer in time`)
    if (init.signal?.aborted) throw new AppError(503, 'aborted', 'The request was aborted')
    throw agentUnavailable(`The host agent at ${options.url} is not reachable`)
  }
  if (!response.ok && !accept.includes(response.status)) {
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
    const long = LONG_RPC.has(method)
    const response = await agentFetch(options, `/rpc/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ args: [...args, rest] }),
      // A long call (a deploy, a backup, a restore) is bounded by its caller, not by a deadline.
      signal: long ? signal : deadline(signal, timeoutMs),
    })
    const body = (await response.json()) as { success: boolean; result: T; status?: number }
    // A long call answered 200 at once; how it went is in the body.
    if (!body.success) throw errorFromEnvelope(body.status ?? 502, body)
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
    deploy: (spec, o) => call('deploy', [spec], o),
    getDeployment: (id, o) => call('getDeployment', [id], o),
    createBackup: (ref, o) => call('createBackup', [ref], o),
    listBackups: (ref, o) => call('listBackups', [ref], o),
    backupStorage: (ref, o) => call('backupStorage', [ref], o),
    deleteBackup: (ref, backupId, o) => call('deleteBackup', [ref, backupId], o),
    restoreBackup: (ref, backupId, o) => call('restoreBackup', [ref, backupId], o),
    getBackupSchedule: (ref, o) => call('getBackupSchedule', [ref], o),
    setBackupSchedule: (ref, schedule, o) => call('setBackupSchedule', [ref, schedule], o),
    deleteBackupSchedule: (ref, o) => call('deleteBackupSchedule', [ref], o),
    listAllBackups: (o) => call('listAllBackups', [], o),
    getBackup: (backupId, o) => call('getBackup', [backupId], o),
    deleteBackupById: (backupId, o) => call('deleteBackupById', [backupId], o),
    restoreBackupAsNew: (backupId, spec, o) => call('restoreBackupAsNew', [backupId, spec], o),
    async openBackupDownloadById(backupId, o) {
      const response = await agentFetch(options, `/archives/${encodeURIComponent(backupId)}/download`, { headers: o.range ? { range: o.range } : {}, signal: o.signal }, [416])
      return downloadFromResponse(response)
    },
    bulkOperation: (operation, serviceIds, o) => call('bulkOperation', [operation, serviceIds], o),
    async openBackupDownload(ref, backupId, o) {
      const path = `/backups/${encodeURIComponent(ref)}/${encodeURIComponent(backupId)}/download`
      const response = await agentFetch(options, path, { headers: o.range ? { range: o.range } : {}, signal: o.signal }, [416])
      // The body is handed on as it arrives: nothing is buffered here.
      return downloadFromResponse(response)
    },
    async uploadBackup(ref, body, o) {
      // Stored first (the body streams through untouched), then restored as a long call of
      // its own, so no response has to wait for the whole upload and restore.
      const query = new URLSearchParams({ restore: 'false', limit: String(o.limit), ...(o.name ? { name: o.name } : {}) })
      const response = await agentFetch(options, `/backups/${encodeURIComponent(ref)}/upload?${query}`, {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream', ...(o.sha256 ? { 'x-checksum-sha256': o.sha256 } : {}) },
        body,
        duplex: 'half',
        signal: o.signal,
      })
      const { backup } = ((await response.json()) as { result: { backup: BackupSummary } }).result
      if (!o.restore) return { backup, restore: null }
      let restore: RestoreResult
      try {
        restore = await call<RestoreResult>('restoreBackup', [ref, backup.id], { signal: o.signal })
      } catch (err) {
        const e = err as AppError
        throw new AppError(e.status, e.code, `The archive was stored as backup ${backup.id}, but restoring it failed: ${e.message}`, [{ backupId: backup.id }])
      }
      return { backup, restore }
    },
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
