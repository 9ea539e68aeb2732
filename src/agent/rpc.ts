import { z } from 'zod'
import { DeploymentId, DeploySpecSchema } from '../deploy/spec'
import { BackupId, Consistency, ScheduleBody, Sha256Hex } from '../schemas/backup'
import { BulkOperation, BulkOptions } from '../schemas/bulk'
import { QueryBool } from '../schemas/params'
import { AlertThresholdsPatch, MONITOR_INTERVAL_MS, TIME_RANGES, WebhookBody } from '../schemas/monitoring'
import { ServiceRef } from '../schemas/service'
import { EnvName } from '../schemas/template'
import type { AgentClient } from './api'

const Opts = z.object({}).optional()
const StopOpts = z.object({ timeoutSeconds: z.number().int().min(0).max(600).optional() }).optional()
const LogOpts = z.object({
  tail: z.number().int().min(1).max(5000),
  since: z.number().int().min(0).optional(),
  timestamps: z.boolean(),
})

/**
 * The agent methods callable as `POST /rpc/<method>` with `{ args: [...] }`, and the schema of
 * their arguments: the agent's HTTP API validates what crosses the wire, whoever sent it.
 * Streaming methods (followLogs, events) have their own routes.
 */
export const RPC_ARGS = {
  dockerStatus: z.tuple([Opts]),
  systemSummary: z.tuple([Opts]),
  listServices: z.tuple([Opts]),
  getService: z.tuple([ServiceRef, Opts]),
  startService: z.tuple([ServiceRef, Opts]),
  stopService: z.tuple([ServiceRef, StopOpts]),
  restartService: z.tuple([ServiceRef, StopOpts]),
  removeService: z.tuple([ServiceRef, z.object({ keepData: z.boolean(), deleteBackups: z.boolean().optional() })]),
  getLogs: z.tuple([ServiceRef, LogOpts]),
  deploy: z.tuple([DeploySpecSchema, z.object({ deploymentId: DeploymentId, wait: z.boolean().optional() })]),
  getDeployment: z.tuple([DeploymentId, Opts]),
  createBackup: z.tuple([
    ServiceRef,
    z.object({ name: z.string().min(1).max(100), description: z.string().max(500).optional(), consistency: Consistency, wait: z.boolean() }),
  ]),
  listBackups: z.tuple([ServiceRef, Opts]),
  backupStorage: z.tuple([ServiceRef, Opts]),
  deleteBackup: z.tuple([ServiceRef, BackupId, Opts]),
  restoreBackup: z.tuple([ServiceRef, BackupId, Opts]),
  getBackupSchedule: z.tuple([ServiceRef, Opts]),
  setBackupSchedule: z.tuple([ServiceRef, ScheduleBody, Opts]),
  deleteBackupSchedule: z.tuple([ServiceRef, Opts]),
  listAllBackups: z.tuple([z.object({ serviceId: z.string().max(128).optional() }).optional()]),
  getBackup: z.tuple([BackupId, Opts]),
  deleteBackupById: z.tuple([BackupId, Opts]),
  restoreBackupAsNew: z.tuple([BackupId, DeploySpecSchema, z.object({ deploymentId: DeploymentId, envFromBackup: z.array(EnvName).max(200) })]),
  bulkOperation: z.tuple([BulkOperation, z.array(ServiceRef).min(1).max(100), BulkOptions]),
  getHealth: z.tuple([ServiceRef, Opts]),
  getAllHealth: z.tuple([Opts]),
  getMetrics: z.tuple([ServiceRef, z.object({ timeRange: z.enum(TIME_RANGES) })]),
  startMonitoring: z.tuple([ServiceRef, z.object({ intervalMs: z.number().int().min(MONITOR_INTERVAL_MS.min).max(MONITOR_INTERVAL_MS.max) })]),
  stopMonitoring: z.tuple([ServiceRef, Opts]),
  monitoringStatus: z.tuple([Opts]),
  systemMetrics: z.tuple([Opts]),
  listAlerts: z.tuple([z.object({ serviceId: z.string().max(128).optional(), limit: z.number().int().min(1).max(500).optional() }).optional()]),
  getAlertSettings: z.tuple([Opts]),
  setAlertThresholds: z.tuple([AlertThresholdsPatch, Opts]),
  getServiceAlertSettings: z.tuple([ServiceRef, Opts]),
  setServiceAlertThresholds: z.tuple([ServiceRef, AlertThresholdsPatch, Opts]),
  setAlertWebhook: z.tuple([WebhookBody.shape.url, Opts]),
} satisfies { [M in keyof AgentClient]?: z.ZodType }

/**
 * Calls that may run longer than an HTTP client waits for response headers (undici: 5 min) —
 * a deploy pulling a large image, a backup, a restore, a bulk operation:
 * the agent answers at once and sends the JSON result when done, with whitespace (valid JSON
 * padding) every 15 s so the connection never looks idle.
 */
export const LONG_RPC: ReadonlySet<string> = new Set(['deploy', 'createBackup', 'restoreBackup', 'restoreBackupAsNew', 'bulkOperation'])

export const UploadStreamQuery = z.strictObject({
  name: z.string().min(1).max(100).optional(),
  restore: QueryBool,
  limit: z.coerce.number().int().min(1),
})

export const UploadChecksumHeader = Sha256Hex.optional()

export type RpcMethod = keyof typeof RPC_ARGS

export const LogStreamQuery = z.strictObject({
  tail: z.coerce.number().int().min(1).max(5000),
  since: z.coerce.number().int().min(0).optional(),
  timestamps: z.enum(['true', 'false']).transform((v) => v === 'true'),
})
