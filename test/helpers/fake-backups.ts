import { createHash, randomBytes } from 'node:crypto'
import type { BackupsApi } from '../../src/agent/api/backups'
import type { DeployOutcome } from '../../src/agent/api/deploy'
import type { DeploySpec } from '../../src/deploy/spec'
import { parseRange, downloadName } from '../../src/agent/backup/download'
import type { BulkApi } from '../../src/agent/api/bulk'
import { AppError, conflict, notFound } from '../../src/errors'
import type { EventPublisher } from '../../src/events/types'
import type { BackupSchedule, BackupSummary } from '../../src/schemas/backup'
import type { BulkItem } from '../../src/schemas/bulk'

export interface FakeBackup {
  summary: BackupSummary
  /** The "archive": bytes served by download. */
  bytes: Uint8Array
}

interface FakeTarget {
  serviceId: string
  id: string
  backups: FakeBackup[]
  schedule: BackupSchedule | null
}

/**
 * The backup and bulk parts of the fake agent: records in memory, an archive that is just
 * bytes, and the same errors as the real engine (404, 409, 416, 422) where handlers must pass
 * them on.
 */
export function createFakeBackups(
  events: EventPublisher,
  byRef: (ref: string) => FakeTarget,
  actions: {
    start(ref: string): Promise<unknown>
    stop(ref: string): Promise<unknown>
    restart(ref: string): Promise<unknown>
    remove(ref: string, keepData: boolean): Promise<unknown>
  },
  catalogue: {
    /** Every backup the fake knows, with whether its service still exists (deleted services' backups included). */
    all(): { backup: FakeBackup; serviceExists: boolean; drop(): void }[]
    /** Deploys the spec as a new service (the fake deployer). */
    deploy(spec: DeploySpec, o: { deploymentId: string }): Promise<DeployOutcome>
  },
): BackupsApi & BulkApi {
  const byId = (backupId: string) => {
    const found = catalogue.all().find((e) => e.backup.summary.id === backupId)
    if (!found) throw notFound('backup', backupId)
    return found
  }
  const backupOf = (ref: string, backupId: string) => {
    const target = byRef(ref)
    const backup = target.backups.find((b) => b.summary.id === backupId)
    if (!backup) throw notFound('backup', backupId)
    return { target, backup }
  }
  const make = (target: FakeTarget, name: string, bytes: Uint8Array, origin: BackupSummary['origin']): FakeBackup => {
    const id = `bk_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`
    const summary: BackupSummary = {
      id,
      serviceId: target.serviceId,
      serviceName: target.serviceId,
      name,
      created_at: new Date().toISOString(),
      size: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      consistency: 'pause',
      volumes: [{ name: `${target.serviceId}-data`, destination: '/data', files: 1, bytes: 5 }],
      image: 'zapie-test/busybox:latest',
      template: null,
      tier: null,
      origin,
      status: 'ok',
    }
    const backup = { summary, bytes }
    target.backups.unshift(backup)
    return backup
  }
  const restoreResult = (target: FakeTarget, backupId: string) => ({
    backupId,
    serviceId: target.serviceId,
    containerId: target.id,
    previousContainerId: target.id,
    started: true,
    volumes: [],
    durationMs: 1,
  })

  return {
    async createBackup(ref, o) {
      const target = byRef(ref)
      if (o.name === 'busy')
        throw conflict(`A backup of service '${target.serviceId}' is already running`, 'operation_in_progress')
      const backup = make(
        target,
        o.name,
        new TextEncoder().encode(`archive of ${target.serviceId}: ${o.name}`),
        'manual',
      )
      if (o.description) backup.summary.description = o.description
      backup.summary.consistency = o.consistency
      events.publish('backup-progress', {
        backupId: backup.summary.id,
        serviceId: target.serviceId,
        containerId: target.id,
        phase: 'done',
        bytes: 5,
        percent: 100,
      })
      return o.wait
        ? { backupId: backup.summary.id, serviceId: target.serviceId, status: 'completed', backup: backup.summary }
        : { backupId: backup.summary.id, serviceId: target.serviceId, status: 'running' }
    },
    async listBackups(ref) {
      const target = byRef(ref)
      return { serviceId: target.serviceId, backups: target.backups.map((b) => b.summary), corrupt: [] }
    },
    async backupStorage(ref) {
      const target = byRef(ref)
      const bytes = target.backups.reduce((n, b) => n + b.summary.size, 0)
      return {
        serviceId: target.serviceId,
        service: { bytes, count: target.backups.length },
        filesystem: { total: 1e12, free: 5e11, available: 4e11 },
      }
    },
    async deleteBackup(ref, backupId) {
      const { target, backup } = backupOf(ref, backupId)
      target.backups.splice(target.backups.indexOf(backup), 1)
      return { deleted: true, backupId }
    },
    async restoreBackup(ref, backupId) {
      const { target, backup } = backupOf(ref, backupId)
      if (backup.summary.status !== 'ok')
        throw new AppError(422, 'checksum_mismatch', `Backup ${backupId} is corrupted`)
      return restoreResult(target, backupId)
    },
    async openBackupDownload(ref, backupId, o) {
      const { backup } = backupOf(ref, backupId)
      const size = backup.bytes.length
      const meta = { size, sha256: backup.summary.sha256, filename: downloadName(backup.summary) }
      const range = parseRange(o.range, size)
      if (range === 'unsatisfiable') return { status: 416, ...meta }
      const start = range?.start ?? 0
      const end = range?.end ?? size - 1
      const slice = backup.bytes.slice(start, end + 1)
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(slice)
          controller.close()
        },
      })
      return { status: range ? 206 : 200, body, start, end, ...meta }
    },
    async uploadBackup(ref, body, o) {
      const target = byRef(ref)
      const bytes = new Uint8Array(await new Response(body).arrayBuffer())
      if (bytes.length > o.limit) throw new AppError(413, 'payload_too_large', 'too large')
      const sha = createHash('sha256').update(bytes).digest('hex')
      if (o.sha256 && o.sha256 !== sha) throw new AppError(422, 'checksum_mismatch', 'checksum mismatch')
      const backup = make(target, o.name ?? 'uploaded', bytes, 'upload')
      return { backup: backup.summary, restore: o.restore ? restoreResult(target, backup.summary.id) : null }
    },
    async getBackupSchedule(ref) {
      return byRef(ref).schedule
    },
    async setBackupSchedule(ref, input) {
      const target = byRef(ref)
      const now = new Date().toISOString()
      target.schedule = {
        serviceId: target.serviceId,
        ...input,
        createdAt: now,
        updatedAt: now,
        nextRun: now,
        missing: false,
      }
      return target.schedule
    },
    async deleteBackupSchedule(ref) {
      const target = byRef(ref)
      const deleted = target.schedule !== null
      target.schedule = null
      return { deleted }
    },
    async listAllBackups(o) {
      const backups = catalogue
        .all()
        .filter((e) => !o?.serviceId || e.backup.summary.serviceId === o.serviceId)
        .map((e) => ({ ...e.backup.summary, serviceExists: e.serviceExists }))
        .sort((a, b) => b.created_at.localeCompare(a.created_at))
      return { backups, corrupt: [] }
    },
    async getBackup(backupId) {
      const { backup, serviceExists } = byId(backupId)
      return { ...backup.summary, serviceExists }
    },
    async deleteBackupById(backupId) {
      byId(backupId).drop()
      return { deleted: true, backupId }
    },
    async openBackupDownloadById(backupId, o) {
      const { backup } = byId(backupId)
      const size = backup.bytes.length
      const meta = { size, sha256: backup.summary.sha256, filename: downloadName(backup.summary) }
      const range = parseRange(o.range, size)
      if (range === 'unsatisfiable') return { status: 416, ...meta }
      const start = range?.start ?? 0
      const end = range?.end ?? size - 1
      const slice = backup.bytes.slice(start, end + 1)
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(slice)
          controller.close()
        },
      })
      return { status: range ? 206 : 200, body, start, end, ...meta }
    },
    async restoreBackupAsNew(backupId, spec, o) {
      const { backup } = byId(backupId)
      if (backup.summary.status !== 'ok')
        throw new AppError(422, 'checksum_mismatch', `Backup ${backupId} is corrupted`)
      const outcome = await catalogue.deploy(spec, { deploymentId: o.deploymentId })
      return {
        ...outcome,
        backupId,
        sourceServiceId: backup.summary.serviceId,
        envFromBackup: o.envFromBackup.filter((n) => spec.env.some((e) => e.name === n)),
      }
    },
    async bulkOperation(operation, serviceIds, o) {
      const ids = [...new Set(serviceIds)]
      const items: BulkItem[] = []
      for (const serviceId of ids) {
        try {
          let result: Record<string, unknown>
          if (operation === 'delete') result = { ...((await actions.remove(serviceId, o.keepData)) as object) }
          else if (operation === 'backup')
            result = { backupId: make(byRef(serviceId), o.name ?? 'bulk', new Uint8Array([1]), 'bulk').summary.id }
          else result = { state: ((await actions[operation](serviceId)) as { state: string }).state }
          items.push({ serviceId, success: true, status: 200, result })
        } catch (err) {
          const e = err as AppError
          items.push({ serviceId, success: false, status: e.status, error: e.message, code: e.code })
        }
      }
      const errors = items
        .filter((i) => !i.success)
        .map((i) => ({ serviceId: i.serviceId, error: i.error!, code: i.code! }))
      events.publish('bulk-progress', { operationId: 'bulk_fake', operation, status: 'finished', total: ids.length })
      return {
        success: errors.length === 0,
        operation,
        operationId: 'bulk_fake',
        results: { success: items.length - errors.length, failed: errors.length, errors },
        items,
      }
    },
  }
}
