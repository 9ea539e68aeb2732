import type {
  LogLine,
  LogsResult,
  LogOptions,
  RemoveResult,
  ServiceDetails,
  ServiceSummary,
} from '../../schemas/service'
import type { CallOptions } from './call-options'

export interface DockerStatus {
  status: 'connected' | 'disconnected'
  version: string | null
  apiVersion: string | null
}

/** Host facts safe to show an authenticated user: no IP or MAC addresses. */
export interface SystemSummary {
  containers: { total: number; running: number; paused: number; stopped: number; managed: number }
  images: number
  host: {
    name: string
    os: string
    kernel: string
    architecture: string
    cpus: number
    memoryBytes: number
    dockerRootDir: string
    cgroupVersion: string | null
  }
}

/** Engine status, service listing, lifecycle and logs. */
export interface ServicesApi {
  dockerStatus(options?: CallOptions): Promise<DockerStatus>
  systemSummary(options?: CallOptions): Promise<SystemSummary>
  listServices(options?: CallOptions): Promise<ServiceSummary[]>
  getService(ref: string, options?: CallOptions): Promise<ServiceDetails>
  /** Idempotent: a running service is answered with its state. Resolves once it runs. */
  startService(ref: string, options?: CallOptions): Promise<ServiceSummary>
  /** Idempotent. Resolves once the container has stopped. */
  stopService(ref: string, options?: CallOptions & { timeoutSeconds?: number }): Promise<ServiceSummary>
  restartService(ref: string, options?: CallOptions & { timeoutSeconds?: number }): Promise<ServiceSummary>
  /**
   * Stops and removes the container with its schedule, monitor state and alerts; its volumes go
   * only when `keepData` is false, its backups only with `deleteBackups`.
   */
  removeService(ref: string, options: CallOptions & { keepData: boolean; deleteBackups?: boolean }): Promise<RemoveResult>
  getLogs(ref: string, options: LogOptions & CallOptions): Promise<LogsResult>
  /** Log lines as they are written, until the container stops or `signal` aborts. */
  followLogs(ref: string, options: LogOptions & { signal: AbortSignal }): AsyncIterable<LogLine>
}
