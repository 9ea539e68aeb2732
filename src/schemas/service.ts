import { z } from 'zod'

/**
 * A `:containerId` path parameter: a stable service id / container name, a full container id,
 * or a prefix of one. Docker names allow [a-zA-Z0-9][a-zA-Z0-9_.-]; dot segments never pass.
 */
export const ServiceRef = z
  .string()
  .min(1)
  .max(128, 'must be at most 128 characters')
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, 'must be a service id, a container name or a container id')
  .refine((v) => !v.includes('..'), 'must not contain ".."')

export type ServiceState = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead'

export interface PortMapping {
  privatePort: number
  publicPort?: number
  type: string
  ip?: string
  /** Docker's spelling, which the original API served. */
  IP?: string
  PrivatePort: number
  PublicPort?: number
  Type: string
}

/** The list shape the original system served, plus the stable `serviceId`. */
export interface ServiceSummary {
  id: string
  /** Docker's container id (= id). */
  containerId: string
  serviceId: string
  /** The container name (= name). */
  serviceName: string
  name: string
  image: string
  status: string
  state: ServiceState
  /** Unix seconds, as the original API served it. */
  created: number
  createdAt: string
  ports: PortMapping[]
  url: string | null
  labels: Record<string, string>
  isRunning: boolean
  canStart: boolean
  canStop: boolean
  canRestart: boolean
}

export interface ServiceMount {
  type: string
  name?: string
  destination: string
  readOnly: boolean
}

export interface ServiceDetails extends ServiceSummary {
  serviceType: string | null
  tier: string | null
  restartCount: number
  startedAt: string | null
  finishedAt: string | null
  exitCode: number | null
  oomKilled: boolean
  health: string | null
  tty: boolean
  env: Record<string, string>
  command: string[]
  restartPolicy: string
  resources: { memoryBytes: number | null; cpus: number | null }
  mounts: ServiceMount[]
}

export interface LogLine {
  stream: 'stdout' | 'stderr'
  timestamp?: string
  message: string
  /** The line was longer than the agent keeps (16 KiB); `message` is its beginning. */
  truncated?: true
}

/** A non-follow logs answer: the newest lines that fit the size cap (ZAPIE_LOGS_MAX_BYTES). */
export interface LogsResult {
  logs: LogLine[]
  /** Lines were cut or older lines dropped to stay under the cap. */
  truncated: boolean
}

export interface LogOptions {
  tail: number
  since?: number
  timestamps: boolean
}

export interface RemoveResult {
  removed: true
  volumesRemoved: string[]
  volumesKept: string[]
  /** Whether a backup schedule went with the service. */
  scheduleRemoved: boolean
  backupsDeleted: string[]
  /** Backup ids that stay (the default): GET /api/backups lists them, POST /api/backups/:id/restore brings them back. */
  backupsKept: string[]
}
