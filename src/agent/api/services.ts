import { z } from 'zod'
import type {
  LogLine,
  LogsResult,
  LogOptions,
  RemoveResult,
  ServiceDetails,
  ServiceSummary,
} from '../../schemas/service'
import { ServiceRef } from '../../schemas/service'
import type { CallOptions } from './call-options'
import { call, stream } from './method'

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
  removeService(
    ref: string,
    options: CallOptions & { keepData: boolean; deleteBackups?: boolean },
  ): Promise<RemoveResult>
  getLogs(ref: string, options: LogOptions & CallOptions): Promise<LogsResult>
  /** Log lines as they are written, until the container stops or `signal` aborts. */
  followLogs(ref: string, options: LogOptions & { signal: AbortSignal }): AsyncIterable<LogLine>
}

// ---- the wire contract of these methods ----

const Opts = z.object({}).optional()
const StopOpts = z.object({ timeoutSeconds: z.number().int().min(0).max(600).optional() }).optional()
const LogOpts = z.object({
  tail: z.number().int().min(1).max(5000),
  since: z.number().int().min(0).optional(),
  timestamps: z.boolean(),
})

const ServiceStateSchema = z.enum(['created', 'running', 'paused', 'restarting', 'removing', 'exited', 'dead'])

export const ServiceSummaryWire = z.object({
  id: z.string(),
  containerId: z.string(),
  serviceId: z.string(),
  serviceName: z.string(),
  name: z.string(),
  image: z.string(),
  status: z.string(),
  state: ServiceStateSchema,
  created: z.number(),
  createdAt: z.string(),
  ports: z.array(
    z.object({
      privatePort: z.number(),
      publicPort: z.number().optional(),
      type: z.string(),
      ip: z.string().optional(),
      IP: z.string().optional(),
      PrivatePort: z.number(),
      PublicPort: z.number().optional(),
      Type: z.string(),
    }),
  ),
  url: z.string().nullable(),
  labels: z.record(z.string(), z.string()),
  isRunning: z.boolean(),
  canStart: z.boolean(),
  canStop: z.boolean(),
  canRestart: z.boolean(),
})

const ServiceDetailsWire = ServiceSummaryWire.extend({
  serviceType: z.string().nullable(),
  tier: z.string().nullable(),
  restartCount: z.number(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  exitCode: z.number().nullable(),
  oomKilled: z.boolean(),
  health: z.string().nullable(),
  tty: z.boolean(),
  env: z.record(z.string(), z.string()),
  command: z.array(z.string()),
  restartPolicy: z.string(),
  resources: z.object({ memoryBytes: z.number().nullable(), cpus: z.number().nullable() }),
  mounts: z.array(
    z.object({ type: z.string(), name: z.string().optional(), destination: z.string(), readOnly: z.boolean() }),
  ),
})

export const LogLineWire = z.object({
  stream: z.enum(['stdout', 'stderr']),
  timestamp: z.string().optional(),
  message: z.string(),
  truncated: z.literal(true).optional(),
})

const Count = z.number().int().min(0)

export const servicesContract = {
  dockerStatus: call(
    z.tuple([Opts]),
    z.object({
      status: z.enum(['connected', 'disconnected']),
      version: z.string().nullable(),
      apiVersion: z.string().nullable(),
    }),
  ),
  systemSummary: call(
    z.tuple([Opts]),
    z.object({
      containers: z.object({ total: Count, running: Count, paused: Count, stopped: Count, managed: Count }),
      images: Count,
      host: z.object({
        name: z.string(),
        os: z.string(),
        kernel: z.string(),
        architecture: z.string(),
        cpus: z.number(),
        memoryBytes: z.number(),
        dockerRootDir: z.string(),
        cgroupVersion: z.string().nullable(),
      }),
    }),
  ),
  listServices: call(z.tuple([Opts]), z.array(ServiceSummaryWire)),
  getService: call(z.tuple([ServiceRef, Opts]), ServiceDetailsWire),
  startService: call(z.tuple([ServiceRef, Opts]), ServiceSummaryWire),
  stopService: call(z.tuple([ServiceRef, StopOpts]), ServiceSummaryWire),
  restartService: call(z.tuple([ServiceRef, StopOpts]), ServiceSummaryWire),
  removeService: call(
    z.tuple([ServiceRef, z.object({ keepData: z.boolean(), deleteBackups: z.boolean().optional() })]),
    z.object({
      removed: z.literal(true),
      volumesRemoved: z.array(z.string()),
      volumesKept: z.array(z.string()),
      scheduleRemoved: z.boolean(),
      backupsDeleted: z.array(z.string()),
      backupsKept: z.array(z.string()),
    }),
  ),
  getLogs: call(z.tuple([ServiceRef, LogOpts]), z.object({ logs: z.array(LogLineWire), truncated: z.boolean() })),
  /** Server-sent `log` events at `GET /logs/:ref`. */
  followLogs: stream(),
}

/** The query of `GET /logs/:ref` (followLogs). */
export const LogStreamQuery = z.strictObject({
  tail: z.coerce.number().int().min(1).max(5000),
  since: z.coerce.number().int().min(0).optional(),
  timestamps: z.enum(['true', 'false']).transform((v) => v === 'true'),
})
