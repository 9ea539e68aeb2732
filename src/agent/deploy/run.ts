import type { DeploymentRecord, DeployStep, StepStatus } from '../../deploy/record'
import { foldLayer, type LayerState, pullTotals } from '../../deploy/pull'
import type { DeploySpec } from '../../deploy/spec'
import { AppError } from '../../errors'
import { redactText, secretValuesOf } from '../../redact'
import type { AgentContext } from '../context'
import { isStatus, startError, toAppError } from '../docker-errors'
import { summaryById } from '../lifecycle'
import { LABELS } from '../labels'
import { getLogs } from '../logs'
import type { DeployOutcome } from '../api/deploy'
import { toCreateOptions } from './create-options'
import { ensureImage } from './image'
import type { AllocatedPort, PortAllocator } from './ports'
import { waitUntilReady } from './ready'

/** Runs between the image and create steps; resolves with the message of its step. */
export type BeforeCreate = () => Promise<string>

/** Rough share of the whole deploy done when each step completes: for progress bars. */
const PROGRESS: Partial<Record<DeployStep, number>> = {
  accepted: 0,
  volume: 10,
  port: 20,
  image: 60,
  restore: 65,
  create: 70,
  start: 80,
  ready: 95,
  done: 100,
}

// Of the image step's share, what extracting the layers and checking the image take after the
// last byte arrived: the download alone fills the rest.
const AFTER_DOWNLOAD = 5

/**
 * The whole deploy's progress while its image downloads: the pull is the image step's share
 * (from the port step's mark to the image step's), filled in proportion to the bytes.
 */
class PullShare {
  private readonly layers = new Map<string, LayerState>()
  private progress = PROGRESS.port!

  /** Folds one layer event; the pull's bytes so far and the deploy's progress, once any size is known. */
  add(id: string, layer: Record<string, unknown>) {
    this.layers.set(id, foldLayer(this.layers.get(id), layer))
    const totals = pullTotals(this.layers.values())
    if (!totals) return {}
    const span = PROGRESS.image! - PROGRESS.port! - AFTER_DOWNLOAD
    // Never backwards: a layer whose size becomes known later grows the total.
    this.progress = Math.max(this.progress, PROGRESS.port! + Math.floor((span * totals.current) / totals.total))
    return { pullCurrent: totals.current, pullTotal: totals.total, progress: this.progress }
  }
}

/**
 * One deploy, step by step — volume, port, image (inspect, or pull with per-layer progress),
 * create, start, ready — each announced as `deployment-progress` and kept in the record. On any
 * failure everything this deploy created is removed (container, volumes), the record says why,
 * and only then the `error` event goes out: a client that sees it finds nothing left behind.
 */
export async function runDeployment(
  ctx: AgentContext,
  spec: DeploySpec,
  record: DeploymentRecord,
  options: { ports: PortAllocator; graceMs?: number; beforeCreate?: BeforeCreate },
): Promise<DeployOutcome> {
  const { docker } = ctx
  const created: { volumes: string[]; containerId: string | null } = { volumes: [], containerId: null }
  // One vocabulary (README, events): serviceName is the container name everywhere; the name the user typed is displayName.
  const base = {
    deploymentId: record.id,
    serviceId: spec.containerName,
    serviceName: spec.containerName,
    containerName: spec.containerName,
    displayName: spec.serviceName,
    serviceType: spec.serviceType,
  }

  const publish = (step: DeployStep, status: StepStatus, message: string, extra: Record<string, unknown> = {}) => {
    const progress = status === 'completed' ? PROGRESS[step] : undefined
    ctx.events.publish('deployment-progress', {
      ...base,
      ...(created.containerId ? { containerId: created.containerId } : {}),
      step,
      status,
      message,
      ...(progress !== undefined ? { progress } : {}),
      ...extra,
    })
  }
  const step = async (name: DeployStep, status: StepStatus, message: string, extra: Record<string, unknown> = {}) => {
    const at = new Date(ctx.clock.now()).toISOString()
    record.steps.push({ step: name, status, message, at })
    record.updatedAt = at
    await ctx.stores.deployments.put(record)
    publish(name, status, message, extra)
  }

  let ports: AllocatedPort[] = []
  try {
    await step('accepted', 'in-progress', `Deploying ${spec.templateName} as ${spec.containerName} (${spec.tier})`)

    const volumes = spec.volumes.flatMap((v) => (v.type === 'volume' ? [v.name] : []))
    for (const name of volumes) {
      await docker.createVolume({
        Name: name,
        Labels: {
          ...spec.labels,
          'zapie.managed': 'true',
          'zapie.id': spec.containerName,
          [LABELS.deployment]: record.id,
        },
      })
      created.volumes.push(name)
    }
    await step('volume', 'completed', volumes.length ? `Created volume ${volumes.join(', ')}` : 'No volume needed', {
      volumes,
    })

    ports = await options.ports.allocate(record.id, spec.ports)
    record.ports = ports.map((p) => ({ container: p.container, host: p.host, protocol: p.protocol }))
    await step(
      'port',
      'completed',
      ports.length ? ports.map((p) => `${p.container}/${p.protocol} → host ${p.host}`).join(', ') : 'No port published',
      { ports: record.ports },
    )

    publish('image', 'in-progress', `Checking image ${spec.image}`)
    const pull = new PullShare()
    // A pull streams for minutes: on the stream client, never holding a short-call socket.
    const image = await ensureImage(ctx.streams ?? docker, spec.image, (p) => {
      const layer = {
        layerStatus: p.status,
        ...(p.percent !== undefined ? { layerProgress: p.percent } : {}),
        ...(p.total !== undefined ? { layerCurrent: p.current, layerTotal: p.total } : {}),
      }
      publish('image', 'in-progress', p.message, { layer: p.layer, ...layer, ...pull.add(p.layer, layer) })
    })
    await step(
      'image',
      'completed',
      image === 'present' ? `Image ${spec.image} is on this host` : `Pulled image ${spec.image}`,
    )

    if (options.beforeCreate) {
      // The volumes exist and are empty, the image is here, nothing has run yet: the moment to
      // fill the volumes (a restore into a new service), so the first start finds its data.
      publish('restore', 'in-progress', 'Restoring the data into the new volumes')
      await step('restore', 'completed', await options.beforeCreate())
    }

    const container = await ctx.limit(() => docker.createContainer(toCreateOptions(spec, ports, record.id)))
    created.containerId = container.id
    record.containerId = container.id
    // The binding is now visible to every later allocation: the hold is no longer needed.
    options.ports.release(record.id)
    await step('create', 'completed', `Created container ${spec.containerName}`)

    await ctx
      .limit(() => container.start())
      .catch((err) => {
        throw startError(err)
      })
    await step('start', 'completed', `Started ${spec.containerName}`)

    await waitUntilReady(docker, ctx.events, container.id, { healthcheck: spec.healthcheck, graceMs: options.graceMs })
    await step('ready', 'completed', spec.healthcheck ? 'The service reports healthy' : 'The service is running')

    const service = await summaryById(docker, container.id)
    record.status = 'succeeded'
    record.url = service.url
    record.finishedAt = new Date(ctx.clock.now()).toISOString()
    await step('done', 'completed', `${spec.templateName} is ready${service.url ? ` at ${service.url}` : ''}`, {
      url: service.url,
    })
    return { deployment: structuredClone(record), service }
  } catch (err) {
    const raw = err instanceof AppError ? err : toAppError(err)
    // Whatever the engine or the service said, a secret value never leaves in it.
    const error = new AppError(raw.status, raw.code, redactSecrets(raw.message, spec))
    const logs = created.containerId ? await lastLogLines(ctx, created.containerId, spec) : []
    const removed = await cleanUp(ctx, created)
    options.ports.release(record.id)
    record.status = 'failed'
    record.error = { status: error.status, code: error.code, message: error.message }
    record.finishedAt = new Date(ctx.clock.now()).toISOString()
    if (removed.length) await step('cleanup', 'completed', `Removed ${removed.join(', ')}`).catch(() => {})
    await step('error', 'failed', error.message, { code: error.code, ...(logs.length ? { logs } : {}) }).catch((e) => {
      ctx.logger.error({ msg: 'deployment record not written', deploymentId: record.id, error: String(e) })
      publish('error', 'failed', error.message, { code: error.code })
    })
    ctx.logger.warn({
      msg: 'deployment failed',
      deploymentId: record.id,
      containerName: spec.containerName,
      code: error.code,
      error: error.message,
      ...(raw.internal ? { detail: redactSecrets(raw.internal, spec) } : {}),
    })
    throw error
  }
}

/** Removes what a failed deploy created. Returns what it removed, for the record. */
async function cleanUp(
  ctx: AgentContext,
  created: { volumes: string[]; containerId: string | null },
): Promise<string[]> {
  const removed: string[] = []
  if (created.containerId) {
    try {
      await ctx.docker.getContainer(created.containerId).remove({ force: true, v: true })
      removed.push('the container')
    } catch (err) {
      if (!isStatus(err, 404))
        ctx.logger.error({
          msg: 'could not remove container of failed deploy',
          containerId: created.containerId,
          error: String(err),
        })
    }
  }
  for (const name of created.volumes) {
    try {
      await ctx.docker.getVolume(name).remove({ force: true })
      removed.push(`volume ${name}`)
    } catch (err) {
      if (!isStatus(err, 404))
        ctx.logger.error({ msg: 'could not remove volume of failed deploy', volume: name, error: String(err) })
    }
  }
  return removed
}

/** The service's last words, so a failed start can be understood after its container is gone. */
async function lastLogLines(ctx: AgentContext, containerId: string, spec: DeploySpec): Promise<string[]> {
  try {
    const { logs } = await getLogs(ctx.docker, containerId, { tail: 20, timestamps: false, streams: ctx.streams })
    return logs.map((l) => redactSecrets(l.message, spec))
  } catch {
    return []
  }
}

/** Every secret of the spec (declared, secret-named, inside a URL) hidden wherever it shows. */
function redactSecrets(text: string, spec: DeploySpec): string {
  return redactText(text, secretValuesOf(spec.env, new Set(spec.secretNames)))
}
