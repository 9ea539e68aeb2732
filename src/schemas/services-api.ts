import { z } from 'zod'
import { okWith } from './errors'

/** Response shapes of the services routes (handlers/services/). */

export const PortMappingSchema = z.looseObject({
  privatePort: z.number().int(),
  publicPort: z.number().int().optional(),
  type: z.string(),
  IP: z.string().optional().describe("Docker's spelling, as the original API served it"),
  PrivatePort: z.number().int(),
  PublicPort: z.number().int().optional(),
  Type: z.string(),
})

export const ServiceSummarySchema = z.looseObject({
  id: z.string().describe('Docker container id (= containerId)'),
  containerId: z.string().describe('Docker container id'),
  serviceId: z.string().describe('Stable service id (= container name)'),
  serviceName: z.string().describe('Container name (= name)'),
  name: z.string(),
  image: z.string(),
  status: z.string().describe("Docker's status text, e.g. 'Up 2 minutes'"),
  state: z.enum(['created', 'running', 'paused', 'restarting', 'removing', 'exited', 'dead']),
  created: z.number().int().describe('Unix seconds, as the original API served it'),
  createdAt: z.iso.datetime({ offset: true }),
  ports: z.array(PortMappingSchema),
  url: z.string().nullable(),
  labels: z.record(z.string(), z.string()),
  isRunning: z.boolean(),
  canStart: z.boolean(),
  canStop: z.boolean(),
  canRestart: z.boolean(),
})

export const ServiceDetailsSchema = ServiceSummarySchema.extend({
  serviceType: z.string().nullable(),
  tier: z.string().nullable(),
  restartCount: z.number().int(),
  env: z.record(z.string(), z.string()).describe('Secrets shown as ********'),
  mounts: z.array(z.looseObject({ type: z.string(), destination: z.string(), readOnly: z.boolean() })),
})

export const ServiceListResponse = okWith({ services: z.array(ServiceSummarySchema), total: z.number().int() })
export const ServiceGetResponse = okWith({ service: ServiceDetailsSchema })
export const ServiceActionResponse = okWith({ message: z.string(), service: ServiceSummarySchema })

export const LogLineSchema = z.looseObject({
  stream: z.enum(['stdout', 'stderr']),
  timestamp: z.string().optional(),
  message: z.string(),
})

export const LogsResponse = okWith({
  logs: z.string().describe('The lines as one text, newline-separated (the original API served a string)'),
  lines: z.array(LogLineSchema).describe('The same lines, structured'),
  count: z.number().int(),
  truncated: z.boolean().describe('Lines were cut or older lines dropped to stay under the size cap'),
})

export const ServiceDeleteResponse = okWith({
  message: z.string(),
  removed: z.literal(true),
  volumesRemoved: z.array(z.string()),
  volumesKept: z.array(z.string()),
  scheduleRemoved: z.boolean(),
  backupsDeleted: z.array(z.string()),
  backupsKept: z.array(z.string()),
})

export const LOG_STREAM = {
  contentType: 'text/event-stream',
  description: 'With `follow=true`: `event: log` frames (data: a log line) and `event: end` when the container stops',
}
