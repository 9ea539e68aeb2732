import type { CallOptions } from './call-options'
import type { DeploySpec } from '../../deploy/spec'
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
  uploadBackup(ref: string, body: ReadableStream<Uint8Array>, options: CallOptions & UploadBackupInput): Promise<UploadResult>
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
  restoreBackupAsNew(backupId: string, spec: DeploySpec, options: CallOptions & { deploymentId: string; envFromBackup: string[] }): Promise<NewServiceRestore>
}
