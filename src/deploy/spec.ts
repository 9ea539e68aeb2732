import { z } from 'zod'
import { EnvName, RESTART_POLICIES, TemplateId, TIER_NAMES } from '../schemas/template'
import { parseImageRef } from '../templates/image'

/** What a user calls the service; lowercased and made name-safe before use (as the original did). */
export const SERVICE_NAME = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/
export const DeploymentId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{7,63}$/, 'must be 8 to 64 letters, digits, _ or -, starting with a letter or digit')

const Port = z.number().int().min(1).max(65535)
const AbsolutePath = z
  .string()
  .max(1024)
  .regex(/^\/[^\0]*$/, 'must be an absolute path')

/**
 * Everything the agent needs to create one service, decided by the handler from a template
 * (src/deploy/build.ts) and validated again by the agent when it crosses the wire. Values of
 * secret variables are inside `env`: a spec is never stored or logged.
 */
export const DeploySpecSchema = z.strictObject({
  containerName: z
    .string()
    .max(128)
    .regex(/^zapie-[a-z0-9][a-z0-9-]*-[0-9a-f]{8}$/, 'must be zapie-<type>-<name>-<8 hex>'),
  serviceName: z.string().max(40).regex(SERVICE_NAME),
  serviceType: z
    .string()
    .max(32)
    .regex(/^[a-z0-9-]+$/),
  tier: z.enum(TIER_NAMES),
  templateId: TemplateId,
  templateName: z.string().max(100),
  image: z
    .string()
    .max(255)
    .refine((v) => parseImageRef(v) !== null, 'must be a Docker image reference'),
  command: z.array(z.string().max(4096)).max(100),
  env: z
    .array(
      z.strictObject({
        name: EnvName,
        value: z
          .string()
          .max(32_768)
          .regex(/^[^\0]*$/),
      }),
    )
    .max(200),
  secretNames: z.array(EnvName).max(200),
  ports: z.array(z.strictObject({ container: Port, protocol: z.enum(['tcp', 'udp']), preferredHost: Port })).max(20),
  volumes: z
    .array(
      z.discriminatedUnion('type', [
        z.strictObject({
          type: z.literal('volume'),
          name: z
            .string()
            .max(200)
            .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/),
          target: AbsolutePath,
          readOnly: z.boolean(),
        }),
        z.strictObject({ type: z.literal('bind'), source: AbsolutePath, target: AbsolutePath, readOnly: z.boolean() }),
      ]),
    )
    .max(20),
  memoryBytes: z
    .number()
    .int()
    .min(6 * 1024 ** 2)
    .max(1024 ** 4),
  nanoCpus: z.number().int().min(10_000_000).max(256e9),
  restartPolicy: z.enum(RESTART_POLICIES),
  networkMode: z.enum(['bridge', 'none']),
  healthcheck: z
    .strictObject({
      test: z.array(z.string().max(2048)).min(2).max(64),
      intervalNs: z.number().int().min(0),
      timeoutNs: z.number().int().min(0),
      retries: z.number().int().min(0).max(100),
      startPeriodNs: z.number().int().min(0),
    })
    .nullable(),
  labels: z.record(z.string().max(128), z.string().max(4096)),
})

export type DeploySpec = z.infer<typeof DeploySpecSchema>

/** `{{hostPort}}` (the first published port) or `{{hostPort:5678}}` in a value: filled in by the agent. */
export const HOST_PORT_PLACEHOLDER = /\{\{hostPort(?::(\d{1,5}))?\}\}/g

/**
 * Stands in, in a restore into a new service, for a required variable the caller left out: the
 * agent replaces it with the value in the backup, and refuses the restore if the backup has none.
 */
export const FROM_BACKUP = '{{fromBackup}}'
