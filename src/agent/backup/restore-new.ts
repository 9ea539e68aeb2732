import { createReadStream } from 'node:fs'
import type { FileHandle } from 'node:fs/promises'
import { open } from 'node:fs/promises'
import type Docker from 'dockerode'
import { FROM_BACKUP, HOST_PORT_PLACEHOLDER, type DeploySpec } from '../../deploy/spec'
import { AppError, conflict, notFound } from '../../errors'
import type { BackupRecord, NewServiceRestore } from '../../schemas/backup'
import { isStatus } from '../docker-errors'
import type { Deployer } from '../deploy/deployer'
import { LABELS, MANAGED_FILTER } from '../labels'
import { readArchive, type ReadLimits } from './archive-reader'
import { findRecord } from './catalogue'
import type { BackupEngine } from './engine'
import { extractIntoContainer } from './extract'
import { sha256Of } from './hash'
import { checkFreeSpace } from './free-space'
import { checksumMismatch, fromElsewhere } from './restore'
import { ArchiveFormatError } from './tar-entries'

export interface RestoreAsNewOptions {
  deploymentId: string
  /**
   * Env names whose value the caller did not choose: these take the value the backed-up
   * container had (the data was written with it — a database keeps its password).
   */
  envFromBackup: string[]
  signal?: AbortSignal
}

/**
 * Restores a backup into a service that does not exist yet — typically after its own service
 * was deleted. The spec comes from the recorded template (built by the caller against today's
 * policy, like any deploy); the archive adds only what the data needs: the old values of the
 * template's own variables. The deploy runs as usual, except that between its image and create
 * steps the archive is verified again and extracted into the new, empty volumes, so the service
 * starts on its data the first time. Any failure removes everything the deploy created.
 */
export async function restoreIntoNewService(
  engine: BackupEngine,
  deployer: Deployer,
  backupId: string,
  input: DeploySpec,
  options: RestoreAsNewOptions,
): Promise<NewServiceRestore> {
  await engine.ready
  const record = await findRecord(engine, backupId)
  const destinations = planNewVolumes(input, record)
  // Locked by the name without its random suffix: two restores into a new "myflows" get two
  // different container names, and both would pass the handler's check that the name is free.
  const stem = nameStem(input.containerName)
  const release = engine.locks.acquire(`new-service:${stem}`, 'restore', input.containerName)
  let archive: FileHandle | undefined
  try {
    // Checked again under the lock: the handler's check ran before a restore that finished since.
    await assertStemFree(engine.ctx.docker, stem, input.serviceName)
    const file = engine.paths.archive(record.serviceId, record.id)
    archive = await open(file, 'r').catch((err: NodeJS.ErrnoException) => {
      throw err.code === 'ENOENT' ? notFound('backup archive', record.id) : err
    })
    const handle = archive
    const read = () => handle.createReadStream({ start: 0, autoClose: false, highWaterMark: 1024 * 1024 })
    // Verified before anything is created: a damaged archive never becomes a half-made service.
    // The read inflates the whole archive: the same limits as an in-place restore's extraction.
    const limits = {
      declared: record.volumes,
      untrusted: fromElsewhere(record),
      maxInflated: engine.ctx.config.restoreMaxBytes,
    }
    const contents = await readArchive(read(), { hash: true, limits }).catch(async (err) => {
      if (!(err instanceof ArchiveFormatError)) throw err
      // Damage usually breaks the gzip stream before the end: say what the user can act on.
      // A fresh stream of its own: the failed read may have closed the shared handle.
      if ((await sha256Of(createReadStream(file))).sha256 !== record.sha256)
        throw checksumMismatch(record.id, 'the one recorded when it was made')
      throw new AppError(422, 'invalid_backup_archive', `Backup ${record.id} is not a readable archive: ${err.message}`)
    })
    if (contents.sha256 !== record.sha256) throw checksumMismatch(record.id, 'the one recorded when it was made')
    await checkFreeSpace(
      { info: () => engine.ctx.docker.info(), dockerHost: engine.ctx.config.dockerHost, logger: engine.ctx.logger },
      record.volumes,
    )
    const { spec, restored } = withBackedUpEnv(input, contents.manifest.service.env ?? [], options.envFromBackup)
    const unfilled = spec.env.filter((e) => e.value === FROM_BACKUP).map((e) => e.name)
    if (unfilled.length) {
      throw new AppError(
        422,
        'missing_env',
        `Backup ${record.id} holds no value for ${unfilled.join(', ')}; give ${unfilled.length === 1 ? 'it' : 'them'} in env`,
      )
    }
    const outcome = await deployer.deployWith(
      spec,
      { deploymentId: options.deploymentId, wait: true, signal: options.signal },
      async () => {
        await extractIntoVolumes(engine, spec, record, destinations, read, limits)
        return `Restored backup ${record.id} (${destinations.length} volume${destinations.length === 1 ? '' : 's'})`
      },
    )
    return { ...outcome, backupId: record.id, sourceServiceId: record.serviceId, envFromBackup: restored }
  } finally {
    await archive?.close().catch(() => {})
    release()
  }
}

/** `zapie-n8n-myflows-1a2b3c4d` → `zapie-n8n-myflows`: what a user calls the service's name. */
function nameStem(containerName: string): string {
  return containerName.replace(/-[0-9a-f]{8}$/, '')
}

async function assertStemFree(docker: Docker, stem: string, serviceName: string): Promise<void> {
  const containers = await docker.listContainers({ all: true, filters: { label: [MANAGED_FILTER], name: [stem] } })
  const pattern = new RegExp(`^/?${stem.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-[0-9a-f]{8}$`)
  const taken = containers.find((c) => c.Names.some((n) => pattern.test(n)))
  if (taken)
    throw conflict(
      `A service named '${serviceName}' already exists (${taken.Names[0]?.replace(/^\//, '')}); choose another name`,
      'service_exists',
    )
}

/** The new service's volume for each volume in the backup, matched by mount destination. */
function planNewVolumes(spec: DeploySpec, record: BackupRecord): { destination: string; volume: string }[] {
  return record.volumes.map(({ destination }) => {
    const target = spec.volumes.find((v) => v.type === 'volume' && v.target === destination)
    if (target?.type !== 'volume') {
      throw new AppError(
        422,
        'incompatible_backup',
        `Backup ${record.id} holds a volume for ${destination}, but template '${spec.templateName}' mounts no volume there`,
      )
    }
    return { destination, volume: target.name }
  })
}

/**
 * The spec with the backed-up values of `names` (the template's variables the caller left
 * alone). A value with a `{{hostPort}}` placeholder keeps the template's: the new service
 * gets its own port, and the old value would point at the old one.
 */
export function withBackedUpEnv(
  spec: DeploySpec,
  backedUp: readonly string[],
  names: readonly string[],
): { spec: DeploySpec; restored: string[] } {
  const old = new Map<string, string>()
  for (const entry of backedUp) {
    const at = entry.indexOf('=')
    if (at > 0) old.set(entry.slice(0, at), entry.slice(at + 1))
  }
  const allowed = new Set(names)
  const restored: string[] = []
  const env = spec.env.map((e) => {
    const value = old.get(e.name)
    if (value === undefined || !allowed.has(e.name) || new RegExp(HOST_PORT_PLACEHOLDER.source).test(e.value)) return e
    restored.push(e.name)
    return { name: e.name, value }
  })
  return { spec: { ...spec, env }, restored }
}

/** The archive into the new volumes through a helper container that is created, never started. */
async function extractIntoVolumes(
  engine: BackupEngine,
  spec: DeploySpec,
  record: BackupRecord,
  plan: { destination: string; volume: string }[],
  read: () => NodeJS.ReadableStream,
  limits: ReadLimits,
) {
  const { docker } = engine.ctx
  // The service's labels (test runs mark their deploys there), but never those of a service.
  const labels = Object.fromEntries(
    Object.entries(spec.labels).filter(([k]) => k !== LABELS.managed && k !== LABELS.id),
  )
  const helper = await docker.createContainer({
    Image: spec.image,
    Entrypoint: ['/zapie-restore-helper-is-never-started'],
    Cmd: [],
    Labels: { ...labels, 'zapie.restore-helper': record.id },
    NetworkDisabled: true,
    HostConfig: {
      NetworkMode: 'none',
      // NoCopy: the image's files must not be copied into the volume under the restored data.
      Mounts: plan.map(({ destination, volume }) => ({
        Type: 'volume',
        Source: volume,
        Target: destination,
        VolumeOptions: { NoCopy: true },
      })),
    } as Docker.HostConfig,
  })
  try {
    await extractIntoContainer(
      read() as never,
      helper,
      plan.map((p) => p.destination),
      { limits },
    )
  } finally {
    await helper.remove({ force: true, v: false }).catch((err) => {
      if (!isStatus(err, 404))
        engine.ctx.logger.warn({ msg: 'could not remove a restore helper', containerId: helper.id, error: String(err) })
    })
  }
}
