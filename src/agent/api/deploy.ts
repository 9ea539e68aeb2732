import type { DeploymentRecord } from '../../deploy/record'
import type { DeploySpec } from '../../deploy/spec'
import type { ServiceSummary } from '../../schemas/service'
import type { CallOptions } from './call-options'

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
