import type { DeploymentRecord, DeployStep, StepStatus } from '../../deploy/record'
import type { AgentContext } from '../context'
import { isStatus } from '../docker-errors'
import { LABELS } from '../labels'

/**
 * Crash recovery for deploys, run once at start: a deploy still recorded as in progress was
 * running when the agent died (none runs yet in this process — only records made before
 * `startedAt` are looked at). What it created — its container, even a running one, and its
 * volumes, found by the `zapie.deployment` label set at create time — is removed, so it does not
 * linger as an ordinary service and a new deploy of the same name yields one service, not two.
 * A fresh deploy holds no user data yet, so removing beats guessing whether it would have become
 * healthy. The record ends as failed (`deployment_interrupted`) and says what was removed; the
 * same goes out as `deployment-progress` events.
 */
export async function recoverInterruptedDeploys(ctx: AgentContext, startedAt: number): Promise<string[]> {
  const recovered: string[] = []
  const { records, corrupt } = await ctx.stores.deployments.list()
  // One unreadable record must not keep the others' leftovers in place.
  for (const problem of corrupt) ctx.logger.error({ msg: 'deployment record unreadable; left in place', ...problem })
  for (const record of records) {
    if (record.status !== 'in-progress' || !(Date.parse(record.createdAt) < startedAt)) continue
    try {
      const removed = await removeLeftovers(ctx, record)
      await finish(ctx, record, removed)
      recovered.push(record.id)
    } catch (err) {
      ctx.logger.error({
        msg: 'could not clean up after an interrupted deploy',
        deploymentId: record.id,
        error: String((err as Error)?.message ?? err),
      })
    }
  }
  if (recovered.length)
    ctx.logger.warn({ msg: 'cleaned up deploys the agent was killed in the middle of', deployments: recovered })
  return recovered
}

async function removeLeftovers(ctx: AgentContext, record: DeploymentRecord): Promise<string[]> {
  const { docker } = ctx
  const label = { label: [`${LABELS.deployment}=${record.id}`] }
  const removed: string[] = []
  const containers = new Set((await docker.listContainers({ all: true, filters: label })).map((c) => c.Id))
  // Records written before the label existed name their container; its name is unique to the deploy.
  if (record.containerId) containers.add(record.containerId)
  for (const id of containers) {
    try {
      await docker.getContainer(id).remove({ force: true, v: true })
      removed.push(`container ${record.containerName}`)
    } catch (err) {
      if (!isStatus(err, 404)) throw err
    }
  }
  // Volumes only by label: a volume of that name that existed before this deploy is not its to remove.
  const { Volumes } = await docker.listVolumes({ filters: label })
  for (const volume of Volumes ?? []) {
    try {
      await docker.getVolume(volume.Name).remove({ force: true })
      removed.push(`volume ${volume.Name}`)
    } catch (err) {
      if (!isStatus(err, 404)) throw err
    }
  }
  return removed
}

async function finish(ctx: AgentContext, record: DeploymentRecord, removed: string[]) {
  const at = new Date(ctx.clock.now()).toISOString()
  const message = `The agent stopped while this deployment was running; on restart it ${removed.length ? `removed what the deploy had created (${removed.join(', ')})` : 'found nothing the deploy had created'}. Deploy again to create the service.`
  const steps: [DeployStep, StepStatus, string][] = [
    ...(removed.length
      ? [['cleanup', 'completed', `Removed ${removed.join(', ')}`] as [DeployStep, StepStatus, string]]
      : []),
    ['error', 'failed', message],
  ]
  for (const [step, status, text] of steps) record.steps.push({ step, status, message: text, at })
  Object.assign(record, {
    status: 'failed',
    updatedAt: at,
    finishedAt: at,
    error: { status: 500, code: 'deployment_interrupted', message },
  })
  await ctx.stores.deployments.put(record)
  const base = {
    deploymentId: record.id,
    serviceId: record.containerName,
    serviceName: record.serviceName,
    containerName: record.containerName,
    serviceType: record.serviceType,
    recovered: true,
  }
  for (const [step, status, text] of steps) {
    ctx.events.publish('deployment-progress', {
      ...base,
      step,
      status,
      message: text,
      ...(step === 'error' ? { code: 'deployment_interrupted', removed } : {}),
    })
  }
}
