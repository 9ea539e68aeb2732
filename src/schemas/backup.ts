import { z } from 'zod'
import type { CorruptRecord } from '../../storage/corrupt-record'
import type { DeploymentRecord } from '../deploy/record'
import { QueryBool } from './params'
import { ServiceRef, type ServiceSummary } from './service'

/**
 * A backup id as the agent generates it: `bk_<base36 milliseconds>_<8 hex>`. Nothing else is
 * accepted, so an id can never carry a path (`..%2F..%2Fsrc`) or a storage key separator.
 */
export const BackupId = z
  .string()
  .max(40, 'must be at most 40 characters')
  .regex(/^bk_[0-9a-z]{6,12}_[0-9a-f]{8}$/, 'must be a backup id such as bk_mf3k2a1b_1a2b3c4d')

export const Consistency = z.enum(['pause', 'stop', 'live'])
export type Consistency = z.infer<typeof Consistency>

export const BackupParams = z.object({ containerId: ServiceRef, backupId: BackupId })

const Name = z.string().trim().min(1).max(100)
const Description = z.string().trim().max(500)

export const CreateBackupBody = z.strictObject({
  name: Name,
  description: Description.optional(),
  consistency: Consistency.default('pause'),
})

export const WaitQuery = z.strictObject({ wait: QueryBool.default(false) })

/** `POST …/backups/upload?name=&restore=`: the body is the `.tar.gz` itself. */
export const UploadQuery = z.strictObject({
  name: Name.optional(),
  restore: QueryBool.default(true),
})

/** Content types an upload may declare: the archive itself, not multipart, not JSON. */
export const ARCHIVE_CONTENT_TYPE = /^application\/(octet-stream|gzip|x-gzip|x-tar\+gzip|x-compressed-tar)\s*(;|$)/i

/** The `X-Checksum-Sha256` header a client may send with an upload (hex). */
export const Sha256Hex = z
  .string()
  .regex(/^[0-9a-f]{64}$/i, 'must be 64 hex characters')
  .transform((v) => v.toLowerCase())

export const BackupOrigin = z.enum(['manual', 'schedule', 'bulk', 'upload', 'adopted'])
export type BackupOrigin = z.infer<typeof BackupOrigin>

/** An absolute container path without dot segments: where a volume is mounted. */
export const MountDestination = z
  .string()
  .min(2)
  .max(1024)
  .regex(/^\/[^\0]*$/, 'must be an absolute path')
  .refine((p) => !p.split('/').some((s) => s === '..' || s === '.'), 'must not contain dot segments')

export const BackupVolume = z.object({
  /** The volume the data was read from (a name, never a host path). */
  name: z.string().max(255),
  destination: MountDestination,
  files: z.number().int().min(0),
  bytes: z.number().int().min(0),
})
export type BackupVolume = z.infer<typeof BackupVolume>

export const MANIFEST_FORMAT = 'zapie-backup'
export const MANIFEST_VERSION = 1

/**
 * `manifest.json`, the last entry of every archive (file counts and bytes are known only once
 * the volumes have been read). It describes the archive completely, so a record can be rebuilt
 * from it and an archive brought from another host can be checked before it is restored.
 * Volume `i` lives under `volumes/<i>/` in the archive; `volumes/<i>/` itself is the volume root.
 */
export const Manifest = z.object({
  format: z.literal(MANIFEST_FORMAT),
  formatVersion: z.literal(MANIFEST_VERSION),
  backupId: BackupId,
  name: Name,
  description: Description.optional(),
  created_at: z.iso.datetime({ offset: true }),
  consistency: Consistency,
  service: z.object({
    id: z.string().max(128),
    name: z.string().max(128),
    image: z.string().max(512),
    template: z.string().max(128).nullable(),
    tier: z.string().max(128).nullable(),
    /** The template the service was deployed from (`zapie.template-id`), for a restore into a new service. */
    templateId: z.string().max(128).nullable().optional(),
    /**
     * The container's environment (`NAME=value`), secrets included: the restored data was written
     * with them (a database keeps its password), so a restore into a new service needs them. Only
     * here, inside the archive (0600, on the agent host) — never in the record, an event or a log.
     */
    env: z.array(z.string().max(40_000)).max(500).optional(),
  }),
  volumes: z.array(BackupVolume).min(1).max(64),
})
export type Manifest = z.infer<typeof Manifest>

/** The metadata record of one backup (`backups:` store). Holds no secrets: no environment. */
export const BackupRecord = z.object({
  id: BackupId,
  serviceId: z.string().max(128),
  serviceName: z.string().max(128),
  name: Name,
  description: Description.optional(),
  created_at: z.iso.datetime({ offset: true }),
  /** Archive size in bytes. */
  size: z.number().int().min(0),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  consistency: Consistency,
  volumes: z.array(BackupVolume),
  image: z.string(),
  template: z.string().nullable(),
  tier: z.string().nullable(),
  /** The template the service was deployed from, when known: a restore into a new service deploys it. */
  templateId: z.string().max(128).nullable().optional(),
  origin: BackupOrigin,
  /** For uploads and adopted archives: the id and service the archive was made as. */
  source: z.object({ backupId: BackupId, serviceId: z.string().max(128) }).optional(),
  durationMs: z.number().min(0).optional(),
  /** Set by crash recovery when a restore of this backup was interrupted: which data the service kept. */
  lastRestore: z
    .object({
      at: z.iso.datetime({ offset: true }),
      outcome: z.enum(['kept_old_data', 'completed_new_data']),
      message: z.string().max(500),
    })
    .optional(),
})
export type BackupRecord = z.infer<typeof BackupRecord>

/** `ok`; `missing` when the archive file is gone; `damaged` when its size no longer matches. */
export type BackupStatus = 'ok' | 'missing' | 'damaged'

export interface BackupSummary extends BackupRecord {
  status: BackupStatus
}

/** A backup as GET /api/backups lists it: with whether the service it came from still exists. */
export interface CatalogueEntry extends BackupSummary {
  serviceExists: boolean
}

export interface BackupCatalogue {
  backups: CatalogueEntry[]
  corrupt: CorruptRecord[]
}

export interface BackupListing {
  serviceId: string
  backups: BackupSummary[]
  /** Records that could not be read: reported, never silently dropped. */
  corrupt: CorruptRecord[]
}

export interface BackupStorage {
  serviceId: string
  /** This service's archives. */
  service: { bytes: number; count: number }
  /** The filesystem that holds the backup directory. */
  filesystem: { total: number; free: number; available: number }
}

export type BackupJob =
  | { backupId: string; serviceId: string; status: 'running' }
  | { backupId: string; serviceId: string; status: 'completed'; backup: BackupSummary }

export interface RestoredVolume {
  destination: string
  volume: string
  previousVolume: string
  previousVolumeRemoved: boolean
}

export interface RestoreResult {
  backupId: string
  serviceId: string
  containerId: string
  previousContainerId: string
  started: boolean
  volumes: RestoredVolume[]
  durationMs: number
}

/** What a restore into a new service gives: the deploy (its record and the running service) and where the data came from. */
export interface NewServiceRestore {
  deployment: DeploymentRecord
  service: ServiceSummary | null
  backupId: string
  sourceServiceId: string
  /** The template variables that took the backed-up container's values. */
  envFromBackup: string[]
}

export interface UploadResult {
  backup: BackupSummary
  restore: RestoreResult | null
}

/** An open archive for `GET …/download`: the body streams from the file, a range of it, or nothing (416). */
export type BackupDownload =
  | {
      status: 200 | 206
      body: ReadableStream<Uint8Array>
      /** The whole archive's size. */
      size: number
      start: number
      end: number
      sha256: string
      filename: string
    }
  | { status: 416; size: number; sha256: string; filename: string }

export const ScheduleBody = z.strictObject({
  /** A cron expression (5 fields, or 6 with seconds), e.g. `0 3 * * *`. */
  cron: z.string().trim().min(9).max(120),
  timezone: z.string().min(1).max(64).optional(),
  enabled: z.boolean().default(true),
  consistency: Consistency.default('pause'),
  /** Keep at most this many of the service's backups (newest first). */
  keepLast: z.number().int().min(1).max(1000).optional(),
  /** Delete the service's backups older than this many days. */
  maxAgeDays: z.number().int().min(1).max(3650).optional(),
})
export type ScheduleInput = z.infer<typeof ScheduleBody>

/** A stored schedule: the user's input plus when it was set and how its runs went. */
export const StoredSchedule = z.object({
  serviceId: z.string().max(128),
  cron: z.string(),
  timezone: z.string().optional(),
  enabled: z.boolean(),
  consistency: Consistency,
  keepLast: z.number().int().optional(),
  maxAgeDays: z.number().int().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
  lastRunAt: z.string().optional(),
  lastSuccessAt: z.string().optional(),
  lastBackupId: z.string().optional(),
  lastError: z.string().optional(),
  /** Set when the agent turned the schedule off itself: its service no longer exists. */
  disabledReason: z.enum(['service_gone']).optional(),
})
export type StoredSchedule = z.infer<typeof StoredSchedule>

export interface BackupSchedule extends StoredSchedule {
  nextRun: string | null
  /** True while the `backup_missing` alert fires: no success for two periods. */
  missing: boolean
}
