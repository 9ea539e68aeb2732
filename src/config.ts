import { z } from 'zod'
import { normaliseAbsolutePath } from './templates/path'
import { allowListEntryProblem } from './templates/policy'
import { parseCidr } from './net/ip'

const Port = z.coerce.number().int().min(0).max(65535)
const List = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
)
const Url = z.url({ protocol: /^https?$/ })

/** `true`/`false`, or the CIDRs alert webhooks may reach besides public addresses. */
const PrivateAllowance = z.string().transform((v, ctx): boolean | string[] => {
  const text = v.trim().toLowerCase()
  if (text === 'true') return true
  if (text === 'false') return false
  const entries = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
  for (const entry of entries) {
    if (!parseCidr(entry))
      ctx.addIssue({
        code: 'custom',
        message: `must be true, false or a list of CIDRs such as 192.168.1.0/24 (got "${entry}")`,
      })
  }
  return entries
})

/**
 * The whole environment, parsed once at start (ARCHITECTURE §9). Every entry point builds its
 * config through this schema so a bad value stops the start with a message that names it.
 */
export const EnvSchema = z
  .object({
    PORT: Port.default(5000),
    HOST: z.string().min(1).default('127.0.0.1'),
    ZAPIE_API_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
    ZAPIE_DATA_DIR: z.string().min(1).default('./data'),
    ZAPIE_STORAGE: z.enum(['fs', 'memory', 'redis']).default('fs'),
    ZAPIE_REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
    // How long one store call may take before the request answers 503 storage_unavailable.
    ZAPIE_STORAGE_TIMEOUT_MS: z.coerce.number().int().min(50).max(120_000).default(2000),
    ZAPIE_BACKUP_DIR: z.string().min(1).optional(),
    DOCKER_HOST: z
      .string()
      .regex(/^(unix|tcp|http|https|npipe):\/\/.+/, 'must look like unix:///var/run/docker.sock or tcp://host:2375')
      .optional(),
    ZAPIE_AGENT_URL: Url.optional(),
    ZAPIE_AGENT_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
    ZAPIE_AGENT_HOST: z.string().min(1).default('127.0.0.1'),
    ZAPIE_AGENT_PORT: Port.default(5001),
    ZAPIE_CORS_ORIGINS: List.default([]),
    ZAPIE_BODY_LIMIT: z.coerce
      .number()
      .int()
      .min(1024)
      .max(100 * 1024 * 1024)
      .default(1024 * 1024),
    // Backup uploads stream past the JSON body limit; they have their own (default 10 GiB).
    ZAPIE_UPLOAD_LIMIT: z.coerce
      .number()
      .int()
      .min(1024 * 1024)
      .max(2 ** 40)
      .default(10 * 2 ** 30),
    // Bytes an archive from elsewhere (an upload) may inflate to; 0: bounded only by its manifest and free disk.
    ZAPIE_RESTORE_MAX_BYTES: z.coerce
      .number()
      .int()
      .min(0)
      .max(2 ** 50)
      .default(100 * 2 ** 30),
    // An upload that sends nothing for this long is aborted (its lock released, its partial file removed).
    ZAPIE_UPLOAD_IDLE_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(60_000),
    // Open `logs?follow=true` streams: per client and in all; beyond, 429 too_many_streams.
    ZAPIE_LOG_FOLLOW_PER_CLIENT: z.coerce.number().int().min(1).max(10_000).default(4),
    ZAPIE_LOG_FOLLOW_MAX: z.coerce.number().int().min(1).max(10_000).default(32),
    // Message bytes one non-follow logs answer holds; the newest lines are kept.
    ZAPIE_LOGS_MAX_BYTES: z.coerce
      .number()
      .int()
      .min(64 * 1024)
      .max(256 * 1024 * 1024)
      .default(4 * 1024 * 1024),
    ZAPIE_RATE_LIMIT: z.coerce.number().int().min(0).default(1200),
    ZAPIE_SSE_HEARTBEAT_MS: z.coerce.number().int().min(10).max(600_000).default(15_000),
    // SameSite of the browser session cookie; `none` (a UI on another site) also makes it Secure.
    ZAPIE_SESSION_SAMESITE: z.enum(['lax', 'strict', 'none']).default('lax'),
    LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
    ZAPIE_WEBHOOK_ALLOW_PRIVATE: PrivateAllowance.default(false),
    ZAPIE_BIND_MOUNT_ALLOWLIST: List.default([]).superRefine((entries, ctx) => {
      for (const entry of entries) {
        const problem = allowListEntryProblem(entry)
        if (problem) ctx.addIssue({ code: 'custom', message: problem })
      }
    }),
  })
  .superRefine((env, ctx) => {
    if (env.ZAPIE_STORAGE === 'redis' && !env.ZAPIE_REDIS_URL) {
      ctx.addIssue({ code: 'custom', path: ['ZAPIE_REDIS_URL'], message: 'is required when ZAPIE_STORAGE=redis' })
    }
    if (env.ZAPIE_AGENT_URL && !env.ZAPIE_AGENT_TOKEN) {
      ctx.addIssue({ code: 'custom', path: ['ZAPIE_AGENT_TOKEN'], message: 'is required when ZAPIE_AGENT_URL is set' })
    }
  })

export type Env = z.infer<typeof EnvSchema>

export interface Config {
  port: number
  host: string
  apiToken?: string
  dataDir: string
  storage: 'fs' | 'memory' | 'redis'
  redisUrl?: string
  /** The deadline of one store call (ms). */
  storageTimeoutMs: number
  backupDir: string
  dockerHost?: string
  agentUrl?: string
  agentToken?: string
  agentHost: string
  agentPort: number
  corsOrigins: string[]
  bodyLimit: number
  uploadLimit: number
  /** Largest decompressed size of an uploaded archive (0: no cap beyond its manifest and free disk). */
  restoreMaxBytes: number
  /** An upload idle this long (no bytes) is aborted. */
  uploadIdleTimeoutMs: number
  /** Concurrent log follow streams per client and in total. */
  followStreamsPerClient: number
  followStreamsTotal: number
  /** Message bytes in one non-follow logs answer. */
  logsMaxBytes: number
  rateLimitPerMinute: number
  sseHeartbeatMs: number
  /** SameSite of the `zapie_session` cookie; `None` implies Secure. */
  sessionSameSite: 'Lax' | 'Strict' | 'None'
  logLevel: Env['LOG_LEVEL']
  /**
   * Non-public destinations alert webhooks may reach: none (false), all but this service's own
   * listeners (true), or those inside the listed CIDRs.
   */
  webhookAllowPrivate: boolean | string[]
  /** Host directories templates may bind-mount (normalised, absolute); empty: named volumes only. */
  bindMountAllowlist: string[]
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
    this.name = 'ConfigError'
  }
}

/** Parses an environment (process.env on Node, the bindings on Workers) into a Config. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  // An empty variable means "unset", as shells and .env files commonly write it.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''))
  const parsed = EnvSchema.safeParse(present)
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || 'environment'}: ${i.message}`))
  }
  const e = parsed.data
  const dataDir = e.ZAPIE_DATA_DIR.replace(/\/+$/, '') || '/'
  return {
    port: e.PORT,
    host: e.HOST,
    apiToken: e.ZAPIE_API_TOKEN,
    dataDir,
    storage: e.ZAPIE_STORAGE,
    redisUrl: e.ZAPIE_REDIS_URL,
    storageTimeoutMs: e.ZAPIE_STORAGE_TIMEOUT_MS,
    backupDir: e.ZAPIE_BACKUP_DIR ?? `${dataDir}/backups`,
    dockerHost: e.DOCKER_HOST,
    agentUrl: e.ZAPIE_AGENT_URL?.replace(/\/+$/, ''),
    agentToken: e.ZAPIE_AGENT_TOKEN,
    agentHost: e.ZAPIE_AGENT_HOST,
    agentPort: e.ZAPIE_AGENT_PORT,
    corsOrigins: e.ZAPIE_CORS_ORIGINS,
    bodyLimit: e.ZAPIE_BODY_LIMIT,
    uploadLimit: e.ZAPIE_UPLOAD_LIMIT,
    restoreMaxBytes: e.ZAPIE_RESTORE_MAX_BYTES,
    uploadIdleTimeoutMs: e.ZAPIE_UPLOAD_IDLE_TIMEOUT_MS,
    followStreamsPerClient: e.ZAPIE_LOG_FOLLOW_PER_CLIENT,
    followStreamsTotal: e.ZAPIE_LOG_FOLLOW_MAX,
    logsMaxBytes: e.ZAPIE_LOGS_MAX_BYTES,
    rateLimitPerMinute: e.ZAPIE_RATE_LIMIT,
    sseHeartbeatMs: e.ZAPIE_SSE_HEARTBEAT_MS,
    sessionSameSite: ({ lax: 'Lax', strict: 'Strict', none: 'None' } as const)[e.ZAPIE_SESSION_SAMESITE],
    logLevel: e.LOG_LEVEL,
    webhookAllowPrivate: e.ZAPIE_WEBHOOK_ALLOW_PRIVATE,
    bindMountAllowlist: e.ZAPIE_BIND_MOUNT_ALLOWLIST.map((p) => normaliseAbsolutePath(p)!),
  }
}
