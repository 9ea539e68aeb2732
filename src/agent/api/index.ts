import type { BackupsApi } from './backups'
import type { BulkApi } from './bulk'
import type { DeployApi } from './deploy'
import type { AlertsApi, MonitoringApi } from './monitoring'
import type { ServicesApi } from './services'

export type { CallOptions } from './call-options'
export type { BackupsApi, CreateBackupInput, UploadBackupInput } from './backups'
export type { BulkApi } from './bulk'
export type { DeployApi, DeployOutcome } from './deploy'
export type { AlertsApi, MonitoringApi } from './monitoring'
export type { DockerStatus, ServicesApi, SystemSummary } from './services'

/**
 * Everything handlers may ask of the host agent: one interface per area, joined here. Two
 * implementations: in-process (`local.ts`, one host) and over HTTP with a bearer token
 * (`http-client.ts`). Both resolve `ref` only among managed containers (ARCHITECTURE §3) and
 * throw AppError with the same status and code.
 */
export interface AgentClient extends ServicesApi, DeployApi, MonitoringApi, AlertsApi, BackupsApi, BulkApi {}
