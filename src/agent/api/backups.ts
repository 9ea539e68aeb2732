import { z } from 'zod'
import { DeploymentId, DeploySpecSchema, type DeploySpec } from '../../deploy/spec'
import {
  BackupId,
  BackupRecord,
  Consistency as ConsistencySchema,
  ScheduleBody,
  Sha256Hex,
  StoredSchedule,
} from '../../schemas/backup'
import { QueryBool } from '../../schemas/params'
import { ServiceRef } from '../../schemas/service'
import { EnvName } from '../../schemas/template'
import type { CallOptions } from './call-options'
import { DeploymentRecordWire } from './deploy'
import { call, long, stream } from './method'
import { ServiceSummaryWire } from './services'
import type {
  BackupCatalogue,
  CatalogueEntry,
  NewServiceRestore,
  BackupDownload,
  BackupJob,
  BackupListing,
  BackupSchedule,
  BackupStorage,
  Consistency,
  RestoreResult,
  ScheduleInput,
  UploadResult,
} from '../../schemas/backup'

export interface CreateBackupInput {
  name: string
  description?: string
  consistency: Consistency
  /** Resolve when the backup is listed (201) rather than when it has started (202). */
  wait: boolean
}

export interface UploadBackupInput {
  /** Name of the stored backup; default: the name in the archive's manifest. */
  name?: string
  /** Restore it into the service once stored. */
  restore: boolean
  /** SHA-256 (hex) the client computed; checked when given. */
  sha256?: string
  /** Largest body the caller accepts (the API's ZAPIE_UPLOAD_LIMIT); the agent's own limit applies too. */
  limit: number
}

/**
 * Volume backups of a service (ARCHITECTURE §8): verified archives, safe restore, streamed
 * download and upload, schedules with retention. Everything keyed by the service's stable id;
 * backup ids are validated before any path or key is built from them.
 */
export interface BackupsApi {
  /** Starts a backup job (`backup-progress` events follow); with `wait`, resolves once it is listed. 409 while another job runs. */
  createBackup(ref: string, options: CallOptions & CreateBackupInput): Promise<BackupJob>
  /** Newest first, each with its archive's status (`ok`, `missing`, `damaged`). */
  listBackups(ref: string, options?: CallOptions): Promise<BackupListing>
  backupStorage(ref: string, options?: CallOptions): Promise<BackupStorage>
  /** Removes archive and record; 404 for an unknown id. */
  deleteBackup(ref: string, backupId: string, options?: CallOptions): Promise<{ deleted: true; backupId: string }>
  /** Verifies, extracts into fresh volumes, swaps the service over; on any failure puts it back. */
  restoreBackup(ref: string, backupId: string, options?: CallOptions): Promise<RestoreResult>
  /** The archive (or a byte range of it) as a stream, read as the client consumes it. */
  openBackupDownload(ref: string, backupId: string, options: CallOptions & { range?: string }): Promise<BackupDownload>
  /** Stores an uploaded archive as a backup once it checks out, then restores it if asked. */
  uploadBackup(
    ref: string,
    body: ReadableStream<Uint8Array>,
    options: CallOptions & UploadBackupInput,
  ): Promise<UploadResult>
  getBackupSchedule(ref: string, options?: CallOptions): Promise<BackupSchedule | null>
  setBackupSchedule(ref: string, schedule: ScheduleInput, options?: CallOptions): Promise<BackupSchedule>
  deleteBackupSchedule(ref: string, options?: CallOptions): Promise<{ deleted: boolean }>
  /** Every backup, those of deleted services included (`serviceExists: false`), newest first; optionally one service's. */
  listAllBackups(options?: CallOptions & { serviceId?: string }): Promise<BackupCatalogue>
  /** One backup by its id alone; 404 for an unknown id. */
  getBackup(backupId: string, options?: CallOptions): Promise<CatalogueEntry>
  deleteBackupById(backupId: string, options?: CallOptions): Promise<{ deleted: true; backupId: string }>
  openBackupDownloadById(backupId: string, options: CallOptions & { range?: string }): Promise<BackupDownload>
  /**
   * Deploys `spec` (built from the backup's template) as a new service and restores the backup
   * into its volumes before its first start; `envFromBackup` names the variables that take the
   * backed-up container's values. A deploy like any other: its record, events and cleanup.
   */
  restoreBackupAsNew(
    backupId: string,
    spec: DeploySpec,
    options: CallOptions & { deploymentId: string; envFromBackup: string[] },
  ): Promise<NewServiceRestore>
}

// ---- the wire contract of these methods ----

const Opts = z.object({}).optional()
const CorruptRecordWire = z.object({ key: z.string(), reason: z.string() })
const Deleted = z.object({ deleted: z.literal(true), backupId: z.string() })

export const BackupSummaryWire = BackupRecord.extend({ status: z.enum(['ok', 'missing', 'damaged']) })
const CatalogueEntryWire = BackupSummaryWire.extend({ serviceExists: z.boolean() })

const RestoreResultWire = z.object({
  backupId: z.string(),
  serviceId: z.string(),
  containerId: z.string(),
  previousContainerId: z.string(),
  started: z.boolean(),
  volumes: z.array(
    z.object({
      destination: z.string(),
      volume: z.string(),
      previousVolume: z.string(),
      previousVolumeRemoved: z.boolean(),
    }),
  ),
  durationMs: z.number(),
})

const BackupScheduleWire = StoredSchedule.extend({ nextRun: z.string().nullable(), missing: z.boolean() })

export const backupsContract = {
  createBackup: long(
    z.tuple([
      ServiceRef,
      z.object({
        name: z.string().min(1).max(100),
        description: z.string().max(500).optional(),
        consistency: ConsistencySchema,
        wait: z.boolean(),
      }),
    ]),
    z.discriminatedUnion('status', [
      z.object({ backupId: z.string(), serviceId: z.string(), status: z.literal('running') }),
      z.object({
        backupId: z.string(),
        serviceId: z.string(),
        status: z.literal('completed'),
        backup: BackupSummaryWire,
      }),
    ]),
  ),
  listBackups: call(
    z.tuple([ServiceRef, Opts]),
    z.object({ serviceId: z.string(), backups: z.array(BackupSummaryWire), corrupt: z.array(CorruptRecordWire) }),
  ),
  backupStorage: call(
    z.tuple([ServiceRef, Opts]),
    z.object({
      serviceId: z.string(),
      service: z.object({ bytes: z.number(), count: z.number() }),
      filesystem: z.object({ total: z.number(), free: z.number(), available: z.number() }),
    }),
  ),
  deleteBackup: call(z.tuple([ServiceRef, BackupId, Opts]), Deleted),
  restoreBackup: long(z.tuple([ServiceRef, BackupId, Opts]), RestoreResultWire),
  getBackupSchedule: call(z.tuple([ServiceRef, Opts]), BackupScheduleWire.nullable()),
  setBackupSchedule: call(z.tuple([ServiceRef, ScheduleBody, Opts]), BackupScheduleWire),
  deleteBackupSchedule: call(z.tuple([ServiceRef, Opts]), z.object({ deleted: z.boolean() })),
  listAllBackups: call(
    z.tuple([z.object({ serviceId: z.string().max(128).optional() }).optional()]),
    z.object({ backups: z.array(CatalogueEntryWire), corrupt: z.array(CorruptRecordWire) }),
  ),
  getBackup: call(z.tuple([BackupId, Opts]), CatalogueEntryWire),
  deleteBackupById: call(z.tuple([BackupId, Opts]), Deleted),
  restoreBackupAsNew: long(
    z.tuple([
      BackupId,
      DeploySpecSchema,
      z.object({ deploymentId: DeploymentId, envFromBackup: z.array(EnvName).max(200) }),
    ]),
    z.object({
      deployment: DeploymentRecordWire,
      service: ServiceSummaryWire.nullable(),
      backupId: z.string(),
      sourceServiceId: z.string(),
      envFromBackup: z.array(z.string()),
    }),
  ),
  /** The archive at `GET /backups/:ref/:backupId/download`, ranges honoured. */
  openBackupDownload: stream(),
  /** The archive at `GET /archives/:backupId/download`: by id alone, for backups of deleted services. */
  openBackupDownloadById: stream(),
  /** `POST /backups/:ref/upload` streams the archive in; the answer is the stored backup (restore is a `restoreBackup` call after it). */
  uploadBackup: stream(z.object({ backup: BackupSummaryWire })),
}

/** The query of `POST /backups/:ref/upload`. */
export const UploadStreamQuery = z.strictObject({
  name: z.string().min(1).max(100).optional(),
  restore: QueryBool,
  limit: z.coerce.number().int().min(1),
})

export const UploadChecksumHeader = Sha256Hex.optional()
