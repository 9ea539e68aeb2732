import { z } from 'zod'
import { BackupRecord, StoredSchedule } from './backup'
import { okWith } from './errors'
import { ServiceSummarySchema } from './services-api'
import { DeploymentSchema } from './deploy-api'

/** Response shapes of the backup routes (handlers/backups/). */

export const BackupSummarySchema = BackupRecord.loose().extend({ status: z.enum(['ok', 'missing', 'damaged']) })
const Corrupt = z.array(z.looseObject({ id: z.string(), error: z.string() }))

export const BackupListResponse = okWith({
  serviceId: z.string(),
  backups: z.array(BackupSummarySchema),
  total: z.number().int(),
  corrupt: Corrupt,
})
export const BackupCatalogueResponse = okWith({
  backups: z.array(BackupSummarySchema.extend({ serviceExists: z.boolean() })),
  total: z.number().int(),
  corrupt: Corrupt,
})

export const BackupCreatedResponse = okWith({
  message: z.string(),
  backupId: z.string(),
  serviceId: z.string(),
  backup: BackupSummarySchema,
})
export const BackupStartedResponse = okWith({
  message: z.string(),
  backupId: z.string(),
  serviceId: z.string(),
  status: z.literal('running'),
})
export const BackupDeletedResponse = okWith({ message: z.string(), backupId: z.string() })

export const RestoreResultSchema = z.looseObject({
  backupId: z.string(),
  serviceId: z.string(),
  containerId: z.string(),
  previousContainerId: z.string(),
  started: z.boolean(),
  volumes: z.array(
    z.looseObject({
      destination: z.string(),
      volume: z.string(),
      previousVolume: z.string(),
      previousVolumeRemoved: z.boolean(),
    }),
  ),
  durationMs: z.number(),
})
export const RestoreResponse = okWith({ message: z.string(), restore: RestoreResultSchema })
export const UploadResponse = okWith({
  message: z.string(),
  backup: BackupSummarySchema,
  restore: RestoreResultSchema.nullable(),
})

export const RestoreNewResponse = okWith({
  message: z.string(),
  backupId: z.string(),
  sourceServiceId: z.string(),
  deploymentId: z.string(),
  serviceId: z.string(),
  serviceName: z.string().describe('Container name'),
  containerName: z.string(),
  displayName: z.string().describe('The name given in the request'),
  templateId: z.string(),
  template: z.string(),
  containerId: z.string().nullable(),
  url: z.string().nullable(),
  service: ServiceSummarySchema.nullable(),
  envFromBackup: z.array(z.string()),
  generatedSecrets: z.record(z.string(), z.string()),
  deployment: DeploymentSchema,
})

export const StorageResponse = okWith({
  storage: z.looseObject({
    serviceId: z.string(),
    used: z.number().describe("Bytes of this service's backup archives (the original API's `used`)"),
    total: z.number().describe("Size of the filesystem that holds the backups (the original API's `total`)"),
    service: z.looseObject({ bytes: z.number(), count: z.number().int() }),
    filesystem: z.looseObject({ total: z.number(), free: z.number(), available: z.number() }),
  }),
})

export const BackupScheduleSchema = StoredSchedule.loose().extend({
  nextRun: z.string().nullable(),
  missing: z.boolean(),
})
export const ScheduleGetResponse = okWith({ schedule: BackupScheduleSchema.nullable() })
export const SchedulePutResponse = okWith({ message: z.string(), schedule: BackupScheduleSchema })

export const ARCHIVE = {
  contentType: 'application/gzip',
  description: 'The backup archive (.tar.gz); `Range` gives 206, an unsatisfiable range 416',
}
