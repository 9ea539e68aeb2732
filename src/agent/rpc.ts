import { z } from 'zod'
import { DeploymentId, DeploySpecSchema } from '../deploy/spec'
import { ServiceRef } from '../schemas/service'
import type { AgentClient } from './client'

const Opts = z.object({}).optional()
const StopOpts = z.object({ timeoutSeconds: z.number().int().min(0).max(600).optional() }).optional()
const LogOpts = z.object({
  tail: z.number().int().min(1).max(5000),
  since: z.number().int().min(0).optional(),
  timestamps: z.boolean(),
})

/**
 * The agent methods callable as `POST /rpc/<method>` with `{ args: [...] }`, and the schema of
 * their arguments: the agent's HTTP API validates what crosses the wire, whoever sent it.
 * Streaming methods (followLogs, events) have their own routes.
 */
export const RPC_ARGS = {
  dockerStatus: z.tuple([Opts]),
  systemSummary: z.tuple([Opts]),
  listServices: z.tuple([Opts]),
  getService: z.tuple([ServiceRef, Opts]),
  startService: z.tuple([ServiceRef, Opts]),
  stopService: z.tuple([ServiceRef, StopOpts]),
  restartService: z.tuple([ServiceRef, StopOpts]),
  removeService: z.tuple([ServiceRef, z.object({ keepData: z.boolean() })]),
  getLogs: z.tuple([ServiceRef, LogOpts]),
  deploy: z.tuple([DeploySpecSchema, z.object({ deploymentId: DeploymentId, wait: z.boolean().optional() })]),
  getDeployment: z.tuple([DeploymentId, Opts]),
} satisfies { [M in keyof AgentClient]?: z.ZodType }

export type RpcMethod = keyof typeof RPC_ARGS

export const LogStreamQuery = z.strictObject({
  tail: z.coerce.number().int().min(1).max(5000),
  since: z.coerce.number().int().min(0).optional(),
  timestamps: z.enum(['true', 'false']).transform((v) => v === 'true'),
})
