import { z } from 'zod'
import { DEPLOY_STEPS, type DeploymentRecord } from '../../deploy/record'
import { DeploymentId, DeploySpecSchema, type DeploySpec } from '../../deploy/spec'
import type { ServiceSummary } from '../../schemas/service'
import type { CallOptions } from './call-options'
import { call, long } from './method'
import { ServiceSummaryWire } from './services'

export interface DeployOutcome {
  deployment: DeploymentRecord
  /** The new service, once it runs; null while the deploy is still going (`wait: false`). */
  service: ServiceSummary | null
}

/** Deploying services from a spec, and what became of each deploy. */
export interface DeployApi {
  /**
   * Accepts a deploy and runs it in the agent: volume, port, image, create, start, ready,
   * publishing `deployment-progress` for `deploymentId`. Resolves at once (`wait: false`) or
   * when the service is ready; a failure removes everything the deploy created and, with
   * `wait`, rejects with the reason. 409 when `deploymentId` is already in use.
   */
  deploy(spec: DeploySpec, options: CallOptions & { deploymentId: string; wait?: boolean }): Promise<DeployOutcome>
  /** The record of a deploy: its status, its steps, and its error if it failed. */
  getDeployment(deploymentId: string, options?: CallOptions): Promise<DeploymentRecord>
}

// ---- the wire contract of these methods ----

export const DeploymentRecordWire = z.object({
  id: z.string(),
  status: z.enum(['in-progress', 'succeeded', 'failed']),
  serviceName: z.string(),
  containerName: z.string(),
  serviceType: z.string(),
  tier: z.string(),
  templateId: z.string(),
  templateName: z.string(),
  image: z.string(),
  containerId: z.string().nullable(),
  ports: z.array(z.object({ container: z.number(), host: z.number(), protocol: z.string() })),
  volumes: z.array(z.string()),
  url: z.string().nullable(),
  secretNames: z.array(z.string()),
  error: z.object({ status: z.number(), code: z.string(), message: z.string() }).nullable(),
  steps: z.array(
    z.object({
      step: z.enum(DEPLOY_STEPS),
      status: z.enum(['in-progress', 'completed', 'failed']),
      message: z.string(),
      at: z.string(),
    }),
  ),
  createdAt: z.string(),
  updatedAt: z.string(),
  finishedAt: z.string().nullable(),
})

export const deployContract = {
  deploy: long(
    z.tuple([DeploySpecSchema, z.object({ deploymentId: DeploymentId, wait: z.boolean().optional() })]),
    z.object({ deployment: DeploymentRecordWire, service: ServiceSummaryWire.nullable() }),
  ),
  getDeployment: call(z.tuple([DeploymentId, z.object({}).optional()]), DeploymentRecordWire),
}
