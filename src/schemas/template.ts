import { z } from 'zod'

export const TEMPLATE_CATEGORIES = [
  'database',
  'web',
  'api',
  'monitoring',
  'automation',
  'storage',
  'messaging',
  'other',
] as const
export type TemplateCategory = (typeof TEMPLATE_CATEGORIES)[number]

export const TIER_NAMES = ['basic', 'plus', 'pro'] as const
export type TierName = (typeof TIER_NAMES)[number]

/** The original system's tiers: what `basic`, `plus` and `pro` mean when a template says nothing. */
export const DEFAULT_TIERS: Record<TierName, { memory: string; cpus: number }> = {
  basic: { memory: '512m', cpus: 0.5 },
  plus: { memory: '1g', cpus: 1.0 },
  pro: { memory: '2g', cpus: 2.0 },
}

export const RESTART_POLICIES = ['no', 'always', 'unless-stopped', 'on-failure'] as const
export const GENERATORS = ['password', 'hex32', 'uuid'] as const
export type Generator = (typeof GENERATORS)[number]

/** Server-generated template ids: UUIDs, or `default-<key>` for the seeded defaults. */
export const TemplateId = z
  .string()
  .min(1)
  .max(64, 'must be at most 64 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, 'must be a template id')

export const TemplateParams = z.object({ id: TemplateId })

export const EnvName = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/, 'must start with a letter or _ and contain only letters, digits, _, . and -')

const Port = z.number().int().min(1).max(65535)
const Protocol = z.enum(['tcp', 'udp'])

/** Docker's size notation as the original tiers wrote it: 512m, 1g, 1.5g, 256mb. */
export const MemorySize = z
  .string()
  .trim()
  .regex(/^\d+(\.\d+)?\s*(b|k|kb|m|mb|g|gb)?$/i, 'must look like 512m or 2g')

/** Go-style durations Docker understands for healthchecks: 500ms, 30s, 5m, 1h. */
export const Duration = z.string().regex(/^\d{1,6}(ms|s|m|h)$/, 'must look like 30s, 500ms, 5m or 1h')

const ContainerPath = z
  .string()
  .min(2, 'must be an absolute path other than /')
  .max(512)
  .regex(/^\/[^\0:]*$/, 'must be an absolute path without ":"')

export const TemplatePortSchema = z.strictObject({
  container: Port,
  host: Port.optional(),
  protocol: Protocol.default('tcp'),
  description: z.string().max(200).default(''),
})

export const EnvOptionSchema = z.strictObject({
  label: z.string().max(200),
  value: z.string().max(4096),
})

export const TemplateEnvSchema = z.strictObject({
  name: EnvName,
  label: z.string().max(200).optional(),
  description: z.string().max(1000).default(''),
  default: z.string().max(4096).optional(),
  required: z.boolean().default(false),
  secret: z.boolean().default(false),
  generate: z.enum(GENERATORS).optional(),
  options: z.array(EnvOptionSchema).min(1).max(100).optional(),
})

export const TemplateVolumeSchema = z.strictObject({
  container: ContainerPath,
  /** Suffix of the named volume created per service (`<container name>_<name>`). */
  name: z
    .string()
    .max(64)
    .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, 'must be letters, digits, _, . or -')
    .optional(),
  /** A host directory instead of a named volume: refused unless under ZAPIE_BIND_MOUNT_ALLOWLIST. */
  bind: z.string().min(1).max(1024).optional(),
  readOnly: z.boolean().default(false),
  description: z.string().max(200).default(''),
})

export const HealthcheckSchema = z.strictObject({
  /** Docker's form: ["CMD", "pg_isready"] or ["CMD-SHELL", "curl -f http://localhost/"]. */
  test: z
    .array(z.string().max(2048))
    .min(2, 'needs "CMD" or "CMD-SHELL" and a command')
    .max(64)
    .refine((t) => t[0] === 'CMD' || t[0] === 'CMD-SHELL', 'must start with "CMD" or "CMD-SHELL"'),
  interval: Duration.default('30s'),
  timeout: Duration.default('10s'),
  retries: z.number().int().min(0).max(100).default(3),
  startPeriod: Duration.default('0s'),
})

export const TierSchema = z.strictObject({
  memory: MemorySize,
  cpus: z.coerce.number().min(0.01).max(256),
})

export const RequirementsSchema = z.strictObject({
  /** MB */
  minMemory: z.number().min(128, 'must be at least 128 (MB)').optional(),
  minCpu: z.number().min(0.1, 'must be at least 0.1 cores').optional(),
  /** GB */
  minDisk: z.number().min(1, 'must be at least 1 (GB)').optional(),
})

const LabelKey = z
  .string()
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._/-]*$/, 'must be letters, digits, ., _, / or -')

/**
 * Everything a client may set on a template, in canonical form (shorthands such as
 * `"8080:80/tcp"` ports are expanded before this schema runs, see src/templates/normalise.ts).
 * Fields the default policy refuses (`privileged`, `capAdd`, `devices`, host networking) are
 * known here so that they fail with the policy's reason instead of passing as unknown fields.
 */
export const TemplateDataSchema = z.strictObject({
  name: z
    .string()
    .trim()
    .min(1, 'is required')
    .max(100)
    .regex(/^[^\p{Cc}]*$/u, 'must not contain control characters'),
  description: z.string().max(2000).default(''),
  category: z.enum(TEMPLATE_CATEGORIES).default('other'),
  image: z.string().trim().min(1, 'is required').max(255),
  logo: z.string().max(2048).default(''),
  tags: z.array(z.string().trim().min(1).max(40)).max(30).default([]),
  ports: z.array(TemplatePortSchema).max(20).default([]),
  env: z.array(TemplateEnvSchema).max(100).default([]),
  volumes: z.array(TemplateVolumeSchema).max(20).default([]),
  command: z.array(z.string().max(4096)).max(100).default([]),
  healthcheck: HealthcheckSchema.nullable().default(null),
  restartPolicy: z.enum(RESTART_POLICIES).default('unless-stopped'),
  networkMode: z.enum(['bridge', 'none', 'host']).default('bridge'),
  labels: z.record(LabelKey, z.string().max(1024)).default({}),
  tiers: z
    .strictObject({ basic: TierSchema.optional(), plus: TierSchema.optional(), pro: TierSchema.optional() })
    .default({}),
  requirements: RequirementsSchema.default({}),
  /** Plain text shown to the user before deploying; never rendered as markup. */
  note: z.string().max(10_000).default(''),
  isPublic: z.boolean().default(true),
  isFavorite: z.boolean().default(false),
  privileged: z.boolean().optional(),
  capAdd: z.array(z.string().max(64)).max(64).optional(),
  devices: z.array(z.unknown()).max(64).optional(),
})

export type TemplatePort = z.output<typeof TemplatePortSchema>
export type TemplateEnv = z.output<typeof TemplateEnvSchema>
export type TemplateVolume = z.output<typeof TemplateVolumeSchema>
export type Healthcheck = z.output<typeof HealthcheckSchema>
export type Tier = { memory: string; cpus: number }

/** A template as stored and served: canonical, defaults filled, policy-refused fields gone. */
export interface Template {
  id: string
  /** URL-safe form of the name: the `serviceType` of deploys and of container names. */
  slug: string
  name: string
  description: string
  category: TemplateCategory
  image: string
  logo: string
  tags: string[]
  ports: TemplatePort[]
  env: TemplateEnv[]
  volumes: TemplateVolume[]
  command: string[]
  healthcheck: Healthcheck | null
  restartPolicy: (typeof RESTART_POLICIES)[number]
  networkMode: 'bridge' | 'none'
  labels: Record<string, string>
  tiers: Record<TierName, Tier>
  requirements: z.output<typeof RequirementsSchema>
  note: string
  isPublic: boolean
  isFavorite: boolean
  createdAt: string
  updatedAt: string
  createdBy: string
}

/** The client-settable part of a template: what the validator produces and export carries. */
export type TemplateData = Omit<Template, 'id' | 'slug' | 'createdAt' | 'updatedAt' | 'createdBy'>

/** Fields the server sets; a client sending them gets a warning, never an effect. */
export const SERVER_FIELDS = ['id', 'slug', 'createdAt', 'updatedAt', 'createdBy'] as const

export interface ValidationIssue {
  path: string
  code: string
  message: string
}

export interface ValidationResult {
  isValid: boolean
  errors: ValidationIssue[]
  warnings: ValidationIssue[]
}

/** `GET /api/templates` query. A repeated parameter arrives as an array and fails here (400). */
export const TemplateListQuery = z.strictObject({
  search: z.string().max(200).optional(),
  category: z.enum([...TEMPLATE_CATEGORIES, 'all']).optional(),
  sort: z.enum(['name', 'category', 'createdAt', 'updatedAt']).default('name'),
  order: z.enum(['asc', 'desc']).default('asc'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  favorite: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
})
export type TemplateQuery = z.output<typeof TemplateListQuery>
