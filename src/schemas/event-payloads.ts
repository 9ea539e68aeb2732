import { z } from 'zod'

/**
 * The `data` of every SSE event, as documented in the OpenAPI document's `x-events` and the
 * README's event table. One vocabulary everywhere: `serviceId` is the stable id, `serviceName`
 * the container name (the same as serviceId unless a container was renamed outside the API),
 * `containerId` Docker's id; the name a user typed at deploy time is `displayName`. Every event
 * carries an ISO `timestamp`. Loose objects: fields are pinned, more may follow.
 */
const Timestamp = z.iso.datetime({ offset: true }).describe('When it happened (ISO 8601)')
const Service = {
  serviceId: z.string().describe('Stable service id (= container name)'),
  serviceName: z.string().describe('Container name'),
  containerId: z.string().describe('Docker container id'),
}

export const ContainerEventPayload = z.looseObject({
  ...Service,
  action: z.string().describe('Docker action: start, stop, die, kill, restart, health_status, …'),
  name: z.string().optional(),
  image: z.string().optional(),
  exitCode: z.number().optional(),
  signal: z.string().optional(),
  health: z.string().optional(),
  timestamp: Timestamp,
})

export const ServiceActionPayload = z.looseObject({
  ...Service,
  action: z.enum(['start', 'stop', 'restart', 'delete']),
  status: z.enum(['in-progress', 'completed', 'failed']),
  message: z.string(),
  state: z.string().optional(),
  code: z.string().optional(),
  timestamp: Timestamp,
})

export const DeploymentProgressPayload = z.looseObject({
  deploymentId: z.string(),
  serviceId: Service.serviceId,
  serviceName: Service.serviceName,
  containerId: Service.containerId.optional().describe('Docker container id, once the container exists'),
  containerName: z.string(),
  displayName: z.string().describe('The name the user gave the service'),
  serviceType: z.string(),
  step: z.string(),
  status: z.string(),
  message: z.string(),
  progress: z
    .number()
    .optional()
    .describe('0–100 of the whole deploy: on each completed step, and while the image downloads'),
  code: z.string().optional(),
  layer: z.string().optional().describe('While the image is pulled: the image layer this event is about'),
  layerStatus: z.string().optional().describe("Docker's word for the layer: Waiting, Downloading, Extracting, …"),
  layerProgress: z.number().optional().describe('0–100 of the layer’s current phase'),
  layerCurrent: z.number().optional().describe('Bytes of the layer’s current phase done (download: compressed)'),
  layerTotal: z.number().optional().describe('Bytes of the layer’s current phase in all'),
  pullCurrent: z.number().optional().describe('While the image is pulled: compressed bytes downloaded over all layers'),
  pullTotal: z
    .number()
    .optional()
    .describe('While the image is pulled: compressed bytes to download over the layers whose size is known so far'),
  timestamp: Timestamp,
})

export const HealthUpdatePayload = z.looseObject({
  ...Service,
  status: z.string(),
  health: z.string().nullable().optional(),
  uptime: z.unknown().optional(),
  uptimeSeconds: z.number().nullable().optional(),
  restartCount: z.number().optional(),
  timestamp: Timestamp,
})

export const MetricsUpdatePayload = z.looseObject({
  ...Service,
  metrics: z.looseObject({
    cpu: z.unknown(),
    memory: z.unknown(),
    network: z.unknown(),
    blockIO: z.unknown(),
    pids: z.unknown(),
  }),
  timestamp: Timestamp,
})

export const HealthAlertPayload = z.looseObject({
  alertId: z.string(),
  serviceId: Service.serviceId,
  serviceName: Service.serviceName.optional(),
  containerId: Service.containerId.optional(),
  rule: z.string(),
  severity: z.string(),
  state: z.enum(['firing', 'resolved']),
  message: z.string(),
  timestamp: Timestamp,
})

export const BackupProgressPayload = z.looseObject({
  backupId: z.string(),
  serviceId: Service.serviceId,
  serviceName: Service.serviceName,
  containerId: Service.containerId,
  operation: z.enum(['backup', 'restore', 'upload']),
  phase: z.string(),
  bytes: z.number(),
  percent: z.number().nullable(),
  timestamp: Timestamp,
})

export const BulkProgressPayload = z.looseObject({
  operationId: z.string(),
  operation: z.string(),
  status: z.enum(['started', 'completed', 'failed', 'finished']),
  serviceId: Service.serviceId.optional(),
  containerId: Service.containerId.optional(),
  total: z.number(),
  completed: z.number(),
  timestamp: Timestamp,
})

export const ResetPayload = z.looseObject({
  reason: z.string(),
  timestamp: Timestamp,
})

export const EVENT_PAYLOADS = {
  'container-event': ContainerEventPayload,
  'service-action': ServiceActionPayload,
  'deployment-progress': DeploymentProgressPayload,
  'health-update': HealthUpdatePayload,
  'metrics-update': MetricsUpdatePayload,
  'health-alert': HealthAlertPayload,
  'backup-progress': BackupProgressPayload,
  'bulk-progress': BulkProgressPayload,
  reset: ResetPayload,
} as const
