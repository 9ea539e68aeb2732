import { DeploymentId, DeploySpecSchema, type DeploySpec } from '../../deploy/spec'
import { newDeploymentRecord, type DeploymentRecord } from '../../deploy/record'
import { AppError, badRequest, conflict, notFound } from '../../errors'
import type { AgentContext } from '../context'
import { enforceHostBinds } from '../host-binds'
import type { DeployApi, DeployOutcome } from '../api/deploy'
import { createPortAllocator, type PortProbe } from './ports'
import { runDeployment, type BeforeCreate } from './run'

export interface DeployerOptions {
  /** Replaces the host port probe (tests that must not bind real ports). */
  probe?: PortProbe
  /** Without a healthcheck, how long a new service must stay up (default 1 s). */
  graceMs?: number
}

/**
 * The agent's side of deploy: checks the spec again (it may come over the wire), refuses a
 * deployment id in use, records the deploy, and runs it in the background. Jobs outlive the
 * HTTP request that started them; `wait` only decides whether the caller waits for the end.
 */
export function createDeployer(ctx: AgentContext, options: DeployerOptions = {}): Deployer {
  const inFlight = new Set<string>()
  const ports = createPortAllocator(ctx.docker, { probe: options.probe })

  const deployer: Deployer = {
    deploy: (input, callOptions) => deployer.deployWith(input, callOptions),

    async deployWith(input, { deploymentId, wait, signal }, beforeCreate) {
      if (!DeploymentId.safeParse(deploymentId).success)
        throw badRequest(`Invalid deployment id '${String(deploymentId).slice(0, 80)}'`)
      const parsed = DeploySpecSchema.safeParse(input)
      if (!parsed.success)
        throw badRequest(
          `Invalid deploy spec: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`,
        )
      const spec = await enforceHostPolicy(ctx, parsed.data)
      if (inFlight.has(deploymentId))
        throw conflict(`Deployment '${deploymentId}' is already running`, 'deployment_in_progress')
      // Checked and claimed with no await between, so two requests with one id cannot both pass.
      inFlight.add(deploymentId)
      let job: Promise<DeployOutcome>
      let record: DeploymentRecord
      // The new service's operation lock, held until the deploy ends: a DELETE of the half-made
      // service would be undone by the deploy's cleanup (which removes its volumes) or answered
      // "deleted" while the deploy goes on to start it.
      let release: (() => void) | undefined
      try {
        release = ctx.locks.acquire(spec.containerName, 'deploy')
        if (await ctx.stores.deployments.get(deploymentId))
          throw conflict(`Deployment id '${deploymentId}' was used before; choose a new one`, 'deployment_exists')
        record = newDeploymentRecord(spec, deploymentId, new Date(ctx.clock.now()).toISOString())
        await ctx.stores.deployments.put(record)
        job = runDeployment(ctx, spec, record, { ports, graceMs: options.graceMs, beforeCreate })
      } catch (err) {
        inFlight.delete(deploymentId)
        release?.()
        throw err
      }
      const accepted = structuredClone(record)
      const finished = () => {
        inFlight.delete(deploymentId)
        release?.()
      }
      void job.then(finished, finished)
      if (!wait) return { deployment: accepted, service: null }
      return untilAborted(job, signal)
    },

    async getDeployment(deploymentId) {
      if (!DeploymentId.safeParse(deploymentId).success) throw notFound('deployment', deploymentId.slice(0, 80))
      const record = await ctx.stores.deployments.get(deploymentId)
      if (!record) throw notFound('deployment', deploymentId)
      if (record.status === 'in-progress' && !inFlight.has(deploymentId)) {
        // Recorded as running, but no job here runs it: the agent stopped in the middle.
        const at = new Date(ctx.clock.now()).toISOString()
        const message =
          'The agent stopped while this deployment was running; check for a half-created service and deploy again'
        Object.assign(record, {
          status: 'failed',
          updatedAt: at,
          finishedAt: at,
          error: { status: 500, code: 'deployment_interrupted', message },
        })
        record.steps.push({ step: 'error', status: 'failed', message, at })
        await ctx.stores.deployments.put(record)
      }
      return record
    },
  }
  return deployer
}

/** The deployer, plus the seam a restore into a new service uses (never reachable over the wire). */
export interface Deployer extends DeployApi {
  /** `deploy`, with a step that runs before the container is created (see BeforeCreate). */
  deployWith(
    spec: DeploySpec,
    options: Parameters<DeployApi['deploy']>[1],
    beforeCreate?: BeforeCreate,
  ): Promise<DeployOutcome>
}

/**
 * The agent is the last word on its host: bind mounts are checked against its own allow-list,
 * by where they really lead (links resolved here), and Docker is handed the resolved path —
 * the one that was checked — rather than a link that could be pointed elsewhere before start.
 */
async function enforceHostPolicy(ctx: AgentContext, spec: DeploySpec): Promise<DeploySpec> {
  const binds = spec.volumes.flatMap((v, i) => (v.type === 'bind' ? [{ source: v.source, where: `volumes.${i}` }] : []))
  const resolved = await enforceHostBinds(binds, ctx.config.bindMountAllowlist)
  if (resolved.length === 0) return spec
  let next = 0
  return { ...spec, volumes: spec.volumes.map((v) => (v.type === 'bind' ? { ...v, source: resolved[next++]! } : v)) }
}

/** Waits for the job, but stops waiting (the job goes on) when the caller goes away. */
function untilAborted<T>(job: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return job
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new AppError(503, 'aborted', 'The request was aborted; the deployment continues'))
    if (signal.aborted) return onAbort()
    signal.addEventListener('abort', onAbort, { once: true })
    job.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}
