import { randomBytes } from 'node:crypto'
import type { ReadStream } from 'node:fs'
import { open, type FileHandle } from 'node:fs/promises'
import type Docker from 'dockerode'
import { AppError, notFound } from '../../errors'
import type { BackupRecord, RestoreResult, RestoredVolume } from '../../schemas/backup'
import { isStatus, toAppError } from '../docker-errors'
import { enforceHostBinds, hostBindsOf } from '../host-binds'
import { resumeContainer } from './consistency'
import type { BackupEngine } from './engine'
import { extractIntoContainer } from './extract'
import { checkFreeSpace } from './free-space'
import { sha256Of } from './hash'
import type { Intent } from './intents'
import { ProgressReporter, type BackupOperation } from './progress'
import { getRecord } from './records'
import { extraNetworks, recreateOptions } from './recreate'
import { loadService, type DataVolume, type ServiceTarget } from './service'

export const checksumMismatch = (backupId: string, when: string) =>
  new AppError(
    422,
    'checksum_mismatch',
    `Backup ${backupId} is corrupted (its SHA-256 does not match ${when}); the service was not touched`,
  )

/** Restores a listed backup into its service (see RestoreRun). One job per service at a time. */
export async function restoreBackup(
  engine: BackupEngine,
  ref: string,
  backupId: string,
  options: { signal?: AbortSignal } = {},
): Promise<RestoreResult> {
  engine.locks.assertFree(ref)
  const service = await loadService(engine.ctx.docker, ref, options.signal)
  const record = await getRecord(engine, service.serviceId, backupId)
  const release = engine.locks.acquire(service.serviceId, 'restore')
  try {
    return await engine.jobs(() => new RestoreRun(engine, service, record, 'restore').run())
  } finally {
    release()
  }
}

/**
 * Archives we did not make ourselves — uploads, and files found in the backup directory without a
 * record — are restored under the stricter rules (no special files, ZAPIE_RESTORE_MAX_BYTES).
 */
export const fromElsewhere = (record: Pick<BackupRecord, 'origin'>) =>
  record.origin === 'upload' || record.origin === 'adopted'

/** Pairs each volume of the archive with the service's volume mounted at the same destination. */
export function planVolumes(service: ServiceTarget, record: Pick<BackupRecord, 'id' | 'volumes'>): DataVolume[] {
  if (service.inspect.HostConfig.AutoRemove) {
    // Stopping it for the swap would remove it, and with it the way back.
    throw new AppError(
      422,
      'incompatible_backup',
      `Service '${service.serviceId}' is removed when it stops (AutoRemove) and cannot be restored in place`,
    )
  }
  return record.volumes.map((volume) => {
    const target = service.volumes.find((v) => v.destination === volume.destination)
    if (!target) {
      throw new AppError(
        422,
        'incompatible_backup',
        `Backup ${record.id} holds a volume for ${volume.destination}, but service '${service.serviceId}' has no volume mounted there`,
      )
    }
    return target
  })
}

/**
 * One restore, in the order that never destroys the only copy (ARCHITECTURE §8):
 *  1. verify the archive's SHA-256 — a corrupted archive is refused before anything is touched —
 *     and that the disk where Docker keeps volumes has room for what it declares;
 *  2. extract it into fresh volumes, through a helper container that is created, never started;
 *  3. stop the service, park it under another name, create the service again with the same
 *     name and config on the fresh volumes, start it if it was running and check it stays up;
 *  4. only then remove the old container and retire the old volumes.
 * A failure anywhere undoes what was done, so the service is back as it was, on its old data.
 * An intent marker, rewritten before each step of 2–4, lets crash recovery undo them after a kill.
 */
export class RestoreRun {
  private readonly progress: ProgressReporter
  private readonly started: number
  private readonly freshVolumes: string[] = []
  private helper: Docker.Container | undefined
  private parked = false
  /** Set once the old container is gone: from then on there is nothing to roll back to. */
  private committed = false
  private stoppedOld = false
  private unpausedOld = false
  private newContainer: Docker.Container | undefined
  private newContainerId: string | undefined
  private intent: Extract<Intent, { kind: 'restore' }> | undefined
  /** The archive, opened once: verified and extracted from the same file, whatever is renamed over it. */
  private archive: FileHandle | undefined

  constructor(
    private readonly engine: BackupEngine,
    private readonly service: ServiceTarget,
    private readonly record: BackupRecord,
    operation: BackupOperation,
  ) {
    this.started = engine.now()
    this.progress = new ProgressReporter(
      engine.ctx.events,
      { backupId: record.id, serviceId: service.serviceId, containerId: service.containerId, operation },
      () => engine.now(),
    )
  }

  private get docker() {
    return this.engine.ctx.docker
  }

  /** Flushes the current intent (what exists now that a rollback must remove) to disk. */
  private async mark(changes: Partial<Extract<Intent, { kind: 'restore' }>> = {}) {
    this.intent = { ...this.intent!, ...changes, freshVolumes: [...this.freshVolumes] }
    await this.engine.intents.record(this.intent)
  }

  async run(): Promise<RestoreResult> {
    const { record, service } = this
    try {
      const plan = planVolumes(service, record)
      // Refused before anything is touched when a bind already leads out of the allow-list.
      await this.checkHostBinds()
      await this.verify()
      await checkFreeSpace(
        {
          info: () => this.docker.info(),
          dockerHost: this.engine.ctx.config.dockerHost,
          logger: this.engine.ctx.logger,
        },
        record.volumes,
      )
      const initial = (await service.container.inspect()).State
      // From here on the marker says what to undo if the agent dies: written before each step.
      this.intent = {
        kind: 'restore',
        backupId: record.id,
        serviceId: service.serviceId,
        containerId: service.containerId,
        name: service.name,
        parkedName: `${service.name}-pre-restore-${randomBytes(3).toString('hex')}`,
        wasRunning: initial.Running && !initial.Restarting,
        wasPaused: initial.Paused,
        freshVolumes: [],
        replacedVolumes: plan.map((v) => v.name),
        phase: 'preparing',
        at: new Date(this.engine.now()).toISOString(),
      }
      await this.mark()
      const replacements = await this.createFreshVolumes(plan)
      await this.extract(replacements)
      const state = (await service.container.inspect()).State
      const wasRunning = state.Running && !state.Restarting
      await this.swap(replacements, wasRunning, state.Paused)
      const volumes = await this.commit(plan, replacements)
      const result: RestoreResult = {
        backupId: record.id,
        serviceId: service.serviceId,
        containerId: this.newContainerId!,
        previousContainerId: service.containerId,
        started: wasRunning,
        volumes,
        durationMs: this.engine.now() - this.started,
      }
      this.progress.report('done', record.size, 100, { containerId: result.containerId })
      return result
    } catch (err) {
      const error = toAppError(err)
      await this.rollback()
      this.progress.report('failed', 0, null, { error: error.message, code: error.code, rolledBack: true })
      throw error
    } finally {
      await this.archive?.close().catch(() => {})
    }
  }

  private readArchiveFile(): ReadStream {
    return this.archive!.createReadStream({ start: 0, autoClose: false, highWaterMark: 1024 * 1024 })
  }

  /** Step 1: the whole archive against the SHA-256 recorded when it was made. */
  private async verify() {
    const { record } = this
    this.progress.report('verifying', 0, 0)
    const file = this.engine.paths.archive(record.serviceId, record.id)
    this.archive = await open(file, 'r').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') throw notFound('backup archive', record.id)
      throw err
    })
    const actual = await sha256Of(this.readArchiveFile(), {
      onBytes: (bytes) => this.progress.report('verifying', bytes, (bytes / Math.max(1, record.size)) * 20),
    })
    if (actual.sha256 !== record.sha256) throw checksumMismatch(record.id, 'the one recorded when it was made')
  }

  /** Step 2a: one new volume per restored destination, labelled like the one it replaces. */
  private async createFreshVolumes(plan: DataVolume[]): Promise<Map<string, string>> {
    const replacements = new Map<string, string>()
    const suffix = randomBytes(4).toString('hex')
    for (const volume of plan) {
      const old = await this.docker
        .getVolume(volume.name)
        .inspect()
        .catch(() => null)
      const name = freshVolumeName(this.service.name, volume, suffix)
      this.freshVolumes.push(name)
      await this.mark()
      await this.docker.createVolume({
        Name: name,
        // The local driver without the old options: copied `device`/`o=bind` options would point
        // the "fresh" volume at the old data's host directory.
        Driver: 'local',
        Labels: { ...(old?.Labels ?? {}), 'zapie.restored-from': this.record.id },
      })
      replacements.set(volume.destination, name)
    }
    return replacements
  }

  /** Step 2b: the archive into the fresh volumes, through a never-started helper container. */
  private async extract(replacements: Map<string, string>) {
    const { service, record } = this
    const testLabel = service.inspect.Config.Labels?.['zapie.test']
    this.helper = await this.docker.createContainer({
      // The service's own image (by id): already on the host, so nothing is pulled.
      Image: service.inspect.Image,
      Entrypoint: ['/zapie-restore-helper-is-never-started'],
      Cmd: [],
      Labels: { 'zapie.restore-helper': record.id, ...(testLabel ? { 'zapie.test': testLabel } : {}) },
      NetworkDisabled: true,
      HostConfig: {
        NetworkMode: 'none',
        Mounts: [...replacements].map(([destination, name]) => ({
          Type: 'volume',
          Source: name,
          Target: destination,
          VolumeOptions: { NoCopy: true },
        })),
      } as Docker.HostConfig,
    })
    await this.mark({ helperId: this.helper.id })
    this.progress.report('extracting', 0, 20)
    await extractIntoContainer(
      this.readArchiveFile(),
      // The PUT streams the whole archive: on the stream client, not a short-call socket.
      this.engine.ctx.streams?.getContainer(this.helper.id) ?? this.helper,
      record.volumes.map((v) => v.destination),
      {
        onBytes: (bytes) => this.progress.report('extracting', bytes, 20 + (bytes / Math.max(1, record.size)) * 70),
        // Belt and braces: the stream stops once it inflates beyond what the record declares.
        limits: {
          declared: record.volumes,
          untrusted: fromElsewhere(record),
          maxInflated: this.engine.ctx.config.restoreMaxBytes,
        },
      },
    )
    await this.helper.remove({ force: true })
    this.helper = undefined
    await this.mark({ helperId: undefined })
  }

  /** Step 3: the service container replaced by one on the fresh volumes, started if it ran. */
  private async swap(replacements: Map<string, string>, wasRunning: boolean, wasPaused: boolean) {
    const { service } = this
    this.progress.report('swapping', this.record.size, 90)
    await this.mark({ wasRunning, wasPaused, phase: 'swapping' })
    // Again just before the container is recreated: extraction can take long, and a bind's
    // directory may have been swapped for a link in the meantime.
    await this.checkHostBinds()
    const old = service.container
    if (wasPaused) {
      this.unpausedOld = true
      await resumeContainer(old, 'paused')
    }
    if (wasRunning) {
      this.stoppedOld = true
      await old.stop({ t: 10 }).catch((err) => {
        if (!isStatus(err, 304)) throw err
      })
    }
    await old.rename({ name: this.intent!.parkedName })
    this.parked = true

    const options = recreateOptions(service.inspect, service.volumes, replacements)
    this.newContainer = await this.docker.createContainer({ ...options, name: service.name })
    this.newContainerId = this.newContainer.id
    await this.mark({ newContainerId: this.newContainerId })
    for (const [network, endpoint] of extraNetworks(service.inspect)) {
      await this.docker.getNetwork(network).connect({ Container: this.newContainerId, EndpointConfig: endpoint })
    }
    if (wasRunning) {
      this.progress.report('starting', this.record.size, 95)
      await this.newContainer.start()
      await this.settle(this.newContainer)
      if (wasPaused) await this.newContainer.pause()
    }
  }

  /**
   * The recreated container mounts its host binds anew, following whatever links are there now:
   * they must still lead somewhere the allow-list permits (see enforceHostBinds).
   */
  private async checkHostBinds() {
    await enforceHostBinds(hostBindsOf(this.service.inspect), this.engine.ctx.config.bindMountAllowlist)
  }

  /** A restored service that dies (or restarts) within the settle time is a failed restore. */
  private async settle(container: Docker.Container) {
    const deadline = this.engine.now() + this.engine.restoreSettleMs
    for (;;) {
      const { State, RestartCount } = await container.inspect()
      if (!State.Running || State.Restarting || RestartCount > 0) {
        throw new AppError(
          409,
          'restore_start_failed',
          `The restored service did not keep running (exit code ${State.ExitCode}); the previous state was put back`,
        )
      }
      if (this.engine.now() >= deadline) return
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
  }

  /** Step 4: the new container runs; the old container and the replaced volumes go. */
  private async commit(plan: DataVolume[], replacements: Map<string, string>): Promise<RestoredVolume[]> {
    const { service, engine } = this
    this.progress.report('cleanup', this.record.size, 98)
    await this.mark({ phase: 'committing' })
    await service.container.remove({ force: true, v: false })
    this.committed = true
    this.parked = false
    const volumes: RestoredVolume[] = []
    for (const volume of plan) {
      let removed = false
      try {
        await this.docker.getVolume(volume.name).remove()
        removed = true
      } catch (err) {
        // 409: another container still uses it; kept, and reported as such.
        if (isStatus(err, 404)) removed = true
        else
          engine.ctx.logger.warn({
            msg: 'restore kept the old volume',
            volume: volume.name,
            error: String((err as Error).message),
          })
      }
      volumes.push({
        destination: volume.destination,
        volume: replacements.get(volume.destination)!,
        previousVolume: volume.name,
        previousVolumeRemoved: removed,
      })
    }
    this.freshVolumes.length = 0
    await engine.intents.clear(this.record.id).catch((err) =>
      engine.ctx.logger.warn({
        msg: 'could not clear a restore marker',
        backupId: this.record.id,
        error: String(err),
      }),
    )
    return volumes
  }

  /** Puts the service back exactly as it was: old container, old name, old volumes, old state. */
  private async rollback() {
    const { engine, service } = this
    if (this.committed) return
    const attempt = async (what: string, step: () => Promise<unknown>) => {
      try {
        await step()
        return true
      } catch (err) {
        engine.ctx.logger.error({
          msg: `restore rollback: could not ${what}`,
          serviceId: service.serviceId,
          error: String((err as Error)?.message ?? err),
        })
        return false
      }
    }
    let ok = true
    if (this.newContainer)
      ok =
        (await attempt('remove the restored container', () => this.newContainer!.remove({ force: true, v: false }))) &&
        ok
    if (this.parked)
      ok = (await attempt('rename the service back', () => service.container.rename({ name: service.name }))) && ok
    // Only what this restore did is undone: a service its user had paused stays paused.
    if (this.stoppedOld)
      ok = (await attempt('start the service again', () => resumeContainer(service.container, 'stopped'))) && ok
    if (this.unpausedOld) ok = (await attempt('pause the service again', () => service.container.pause())) && ok
    if (this.helper) await attempt('remove the helper container', () => this.helper!.remove({ force: true, v: false }))
    for (const name of this.freshVolumes) {
      await attempt(`remove volume ${name}`, () =>
        this.docker
          .getVolume(name)
          .remove()
          .catch((err) => {
            if (!isStatus(err, 404)) throw err
          }),
      )
    }
    // Only once the service is back can the marker go; otherwise recovery finishes the job.
    if (ok && this.intent) await engine.intents.clear(this.record.id).catch(() => {})
  }
}

/** `<old name>-r<hex>` (an earlier `-r<hex>` replaced); anonymous volumes get `<service>-<path>-r<hex>`. */
export function freshVolumeName(serviceName: string, volume: DataVolume, suffix: string): string {
  const anonymous = /^[0-9a-f]{64}$/.test(volume.name)
  const base = anonymous
    ? `${serviceName}-${volume.destination.replace(/[^a-zA-Z0-9_.-]+/g, '-').replace(/^-+|-+$/g, '') || 'data'}`
    : volume.name.replace(/-r[0-9a-f]{8}$/, '')
  return `${base.slice(0, 200)}-r${suffix}`
}
