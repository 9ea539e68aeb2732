import { Cron } from 'croner'
import { AppError, badRequest } from '../../errors'
import type { BackupSchedule, ScheduleInput, StoredSchedule } from '../../schemas/backup'
import { startBackup } from './create'
import { resolveService } from '../services'
import type { BackupEngine } from './engine'
import { loadService } from './service'

/** A running cron job; the scheduler only needs to stop it. */
export interface CronJob {
  stop(): void
}

/** Starts `run` at every time `pattern` matches. Injected so tests can fire a schedule at will. */
export type CronFactory = (pattern: string, timezone: string | undefined, run: () => void) => CronJob

const cronOptions = (timezone: string | undefined) => ({
  timezone,
  mode: '5-or-6-parts' as const,
})

export const realCron: CronFactory = (pattern, timezone, run) =>
  // protect: a run still busy when the next one is due is skipped, not doubled. unref: a
  // schedule alone does not keep the process alive.
  new Cron(pattern, { ...cronOptions(timezone), protect: true, catch: true, unref: true }, run)

/** Parses a pattern once, without scheduling anything, or answers 400. */
function parse(pattern: string, timezone: string | undefined): Cron {
  if (timezone) {
    try {
      // croner only notices a bad zone when it computes a date; Intl says so up front.
      new Intl.DateTimeFormat('en-US', { timeZone: timezone })
    } catch {
      throw badRequest(`Unknown timezone '${timezone}'`, [
        { path: 'json.timezone', code: 'invalid_timezone', message: 'must be an IANA time zone such as Europe/Berlin' },
      ])
    }
  }
  try {
    return new Cron(pattern, { ...cronOptions(timezone), paused: true })
  } catch (err) {
    throw badRequest(
      `Invalid cron expression '${pattern}'${timezone ? ` or timezone '${timezone}'` : ''}: ${(err as Error).message}`,
      [{ path: 'json.cron', code: 'invalid_cron', message: (err as Error).message }],
    )
  }
}

/** A run that finished up to this long before its fire time still counts (clock skew). */
const GRACE_MS = 60_000

/**
 * True when the schedule has had two fire times since it was set and no scheduled backup has
 * succeeded since the older of the last two: it has not succeeded for two periods.
 */
export function missingSince(schedule: StoredSchedule, now: number): { missing: boolean; expectedSince: Date | null } {
  if (!schedule.enabled) return { missing: false, expectedSince: null }
  const runs = parse(schedule.cron, schedule.timezone).previousRuns(2, new Date(now))
  const older = runs[1]
  if (!older) return { missing: false, expectedSince: null }
  const setAt = Date.parse(schedule.updatedAt)
  const lastSuccess = schedule.lastSuccessAt ? Date.parse(schedule.lastSuccessAt) : -Infinity
  const missing = setAt < older.getTime() && lastSuccess < older.getTime() - GRACE_MS
  return { missing, expectedSince: older }
}

/** Makes one scheduled backup; resolves with it once listed. */
export type ScheduledBackup = (
  serviceId: string,
  schedule: StoredSchedule,
  at: number,
) => Promise<{ backupId: string; created_at: string }>

export interface SchedulerOptions {
  cron?: CronFactory
  /** Injected by tests; default: a `schedule` backup through the engine (startBackup with wait). */
  backup?: ScheduledBackup
  /** How often every schedule is checked for missed backups (default one minute). */
  checkIntervalMs?: number
  /** Patterns firing more often than this are refused (default one minute). */
  minIntervalMs?: number
}

/**
 * Per-service backup schedules (cron + retention policy, stored in settings): one cron job
 * per enabled schedule, loaded again at every agent start; each run makes a `schedule`
 * backup, retention follows it (see create.ts), and a periodic check reports schedules that
 * have not succeeded for two periods to the alert sink.
 */
export class BackupScheduler {
  private readonly jobs = new Map<string, CronJob>()
  private readonly cron: CronFactory
  private readonly backup: ScheduledBackup
  private readonly minIntervalMs: number
  private readonly checkIntervalMs: number
  private timer: ReturnType<typeof setInterval> | undefined
  private stopped = false

  constructor(
    private readonly engine: BackupEngine,
    options: SchedulerOptions = {},
  ) {
    this.cron = options.cron ?? realCron
    this.backup = options.backup ?? ((serviceId, schedule, at) => this.scheduledBackup(serviceId, schedule, at))
    this.minIntervalMs = options.minIntervalMs ?? 60_000
    this.checkIntervalMs = options.checkIntervalMs ?? 60_000
  }

  private get store() {
    return this.engine.ctx.stores.backupSchedules
  }

  /** Registers every stored schedule and starts the missed-backup check. */
  async start(): Promise<void> {
    const { schedules, corrupt } = await this.store.all()
    for (const problem of corrupt) this.engine.ctx.logger.error({ msg: 'backup schedule unreadable', ...problem })
    for (const schedule of schedules) this.register(schedule)
    await this.checkAll()
    this.timer = setInterval(
      () =>
        void this.checkAll().catch((err) =>
          this.engine.ctx.logger.error({ msg: 'backup schedule check failed', error: String(err) }),
        ),
      this.checkIntervalMs,
    )
    this.timer.unref?.()
  }

  stop(): void {
    this.stopped = true
    if (this.timer) clearInterval(this.timer)
    for (const job of this.jobs.values()) job.stop()
    this.jobs.clear()
  }

  async get(ref: string, signal?: AbortSignal): Promise<BackupSchedule | null> {
    const { serviceId } = await loadService(this.engine.ctx.docker, ref, signal)
    const schedule = await this.store.get(serviceId)
    return schedule ? this.describe(schedule) : null
  }

  async set(ref: string, input: ScheduleInput, signal?: AbortSignal): Promise<BackupSchedule> {
    const { serviceId } = await loadService(this.engine.ctx.docker, ref, signal)
    this.validate(input)
    const previous = await this.store.get(serviceId).catch(() => null)
    const now = new Date(this.engine.now()).toISOString()
    const schedule: StoredSchedule = {
      serviceId,
      cron: input.cron,
      ...(input.timezone ? { timezone: input.timezone } : {}),
      enabled: input.enabled,
      consistency: input.consistency,
      ...(input.keepLast !== undefined ? { keepLast: input.keepLast } : {}),
      ...(input.maxAgeDays !== undefined ? { maxAgeDays: input.maxAgeDays } : {}),
      createdAt: previous?.createdAt ?? now,
      updatedAt: now,
      ...(previous?.lastRunAt ? { lastRunAt: previous.lastRunAt } : {}),
      ...(previous?.lastSuccessAt ? { lastSuccessAt: previous.lastSuccessAt } : {}),
      ...(previous?.lastBackupId ? { lastBackupId: previous.lastBackupId } : {}),
    }
    await this.store.set(schedule)
    this.register(schedule)
    this.check(schedule)
    return this.describe(schedule)
  }

  /** Service ids with a running cron job (tests, and the proof that a deleted service has none). */
  scheduled(): string[] {
    return [...this.jobs.keys()]
  }

  /**
   * The service was deleted through the API: its schedule goes with it, quietly — the monitor
   * closes the service's alerts, so nothing is left to fire for a service nobody can reach.
   */
  async forget(serviceId: string): Promise<boolean> {
    this.jobs.get(serviceId)?.stop()
    this.jobs.delete(serviceId)
    const existing = await this.store.get(serviceId).catch(() => 'corrupt' as const)
    if (!existing) return false
    await this.store.remove(serviceId)
    return true
  }

  async remove(ref: string, signal?: AbortSignal): Promise<{ deleted: boolean }> {
    const { serviceId } = await loadService(this.engine.ctx.docker, ref, signal)
    const existing = await this.store.get(serviceId).catch(() => 'corrupt' as const)
    this.jobs.get(serviceId)?.stop()
    this.jobs.delete(serviceId)
    if (!existing) return { deleted: false }
    await this.store.remove(serviceId)
    this.engine.alerts.setMissing(serviceId, false, {
      cron: '',
      lastSuccessAt: null,
      expectedSince: '',
      message: 'Backup schedule removed',
    })
    return { deleted: true }
  }

  /** One scheduled run: a `schedule` backup, then the outcome written back to the schedule. */
  async runNow(serviceId: string): Promise<void> {
    const schedule = await this.store.get(serviceId).catch(() => null)
    if (!schedule?.enabled || this.stopped) return
    const at = this.engine.now()
    let outcome: Partial<StoredSchedule>
    try {
      const backup = await this.backup(serviceId, schedule, at)
      outcome = { lastSuccessAt: backup.created_at, lastBackupId: backup.backupId, lastError: undefined }
    } catch (err) {
      if (err instanceof AppError && err.code === 'operation_in_progress') {
        // The service is busy with something the user started (a restore, a delete): not a
        // failure to alert on. The next run is due at the next tick; a missed one still raises
        // backup_missing through the usual check.
        this.engine.ctx.logger.info({
          msg: 'scheduled backup skipped: another operation is running',
          serviceId,
          reason: err.message,
        })
        return
      }
      outcome = { lastError: err instanceof AppError ? `${err.code}: ${err.message}` : String(err) }
      this.engine.ctx.logger.warn({ msg: 'scheduled backup failed', serviceId, error: outcome.lastError })
    }
    // Read again: the user may have changed the schedule while the backup ran.
    const current = await this.store.get(serviceId).catch(() => null)
    if (!current) return
    if (outcome.lastError !== undefined && (await this.serviceGone(serviceId))) return this.disableOrphan(current)
    const updated = { ...current, ...outcome, lastRunAt: new Date(at).toISOString() }
    if (updated.lastError === undefined) delete updated.lastError
    await this.store.set(updated)
    this.check(updated)
  }

  private async scheduledBackup(serviceId: string, schedule: StoredSchedule, at: number) {
    await this.engine.ready
    const job = await startBackup(this.engine, serviceId, {
      name: `Scheduled backup ${new Date(at).toISOString().slice(0, 16).replace('T', ' ')}`,
      consistency: schedule.consistency,
      wait: true,
      origin: 'schedule',
    })
    return {
      backupId: job.backupId,
      created_at: job.status === 'completed' ? job.backup.created_at : new Date(at).toISOString(),
    }
  }

  private validate(input: ScheduleInput) {
    const cron = parse(input.cron, input.timezone)
    const [first, second] = cron.nextRuns(2)
    if (!first) throw badRequest(`The cron expression '${input.cron}' never fires`)
    if (second && second.getTime() - first.getTime() < this.minIntervalMs) {
      throw badRequest(`The cron expression '${input.cron}' fires more often than every ${this.minIntervalMs / 1000} s`)
    }
  }

  private register(schedule: StoredSchedule) {
    this.jobs.get(schedule.serviceId)?.stop()
    this.jobs.delete(schedule.serviceId)
    if (!schedule.enabled || this.stopped) return
    const { serviceId } = schedule
    this.jobs.set(
      serviceId,
      this.cron(schedule.cron, schedule.timezone, () => {
        void this.runNow(serviceId).catch((err) =>
          this.engine.ctx.logger.error({ msg: 'scheduled backup crashed', serviceId, error: String(err) }),
        )
      }),
    )
  }

  private describe(schedule: StoredSchedule): BackupSchedule {
    const next = schedule.enabled ? parse(schedule.cron, schedule.timezone).nextRun(new Date(this.engine.now())) : null
    return {
      ...schedule,
      nextRun: next ? next.toISOString() : null,
      missing: missingSince(schedule, this.engine.now()).missing,
    }
  }

  /**
   * True only when Docker answers and no managed container carries the id: an engine that
   * cannot be reached says nothing about the service, and must not turn its schedule off.
   */
  private async serviceGone(serviceId: string): Promise<boolean> {
    try {
      await resolveService(this.engine.ctx.docker, serviceId)
      return false
    } catch (err) {
      return err instanceof AppError && err.status === 404
    }
  }

  /**
   * The service vanished outside the API (e.g. `docker rm`): every run would fail, and the
   * missed-backup alert would fire and resolve again and again. The schedule is turned off
   * instead, with one alert that says why; its backups stay listed under GET /api/backups.
   */
  private async disableOrphan(schedule: StoredSchedule): Promise<void> {
    const { serviceId } = schedule
    this.jobs.get(serviceId)?.stop()
    this.jobs.delete(serviceId)
    if (schedule.disabledReason === 'service_gone') return
    const message = `Service ${serviceId} no longer exists: its backup schedule was disabled (its backups are kept, see GET /api/backups)`
    await this.store.set({
      ...schedule,
      enabled: false,
      disabledReason: 'service_gone',
      lastError: `service_gone: ${message}`,
    })
    this.engine.ctx.logger.warn({ msg: 'backup schedule disabled: its service is gone', serviceId })
    this.engine.alerts.setMissing(serviceId, true, {
      cron: schedule.cron,
      lastSuccessAt: schedule.lastSuccessAt ?? null,
      expectedSince: '',
      message,
    })
  }

  /** Reports the schedule's missed-backup state; the sink only acts on a change. */
  private check(schedule: StoredSchedule) {
    // Its alert was raised once, when it was turned off; nothing may resolve or repeat it.
    if (schedule.disabledReason === 'service_gone') return
    let result: ReturnType<typeof missingSince>
    try {
      result = missingSince(schedule, this.engine.now())
    } catch {
      return
    }
    this.engine.alerts.setMissing(schedule.serviceId, result.missing, {
      cron: schedule.cron,
      lastSuccessAt: schedule.lastSuccessAt ?? null,
      expectedSince: result.expectedSince?.toISOString() ?? '',
      message: result.missing
        ? `No scheduled backup of ${schedule.serviceId} has succeeded for two periods${schedule.lastError ? ` (last error: ${schedule.lastError})` : ''}`
        : `Scheduled backups of ${schedule.serviceId} are succeeding`,
    })
  }

  /**
   * Every schedule's missed-backup state. One that is missing its backups is first checked for
   * a service that is gone: that one is disabled rather than reported again and again.
   */
  async checkAll(): Promise<void> {
    const { schedules } = await this.store.all().catch(() => ({ schedules: [] as StoredSchedule[] }))
    for (const schedule of schedules) {
      if (schedule.enabled && this.isMissing(schedule) && (await this.serviceGone(schedule.serviceId)))
        await this.disableOrphan(schedule)
      else this.check(schedule)
    }
  }

  private isMissing(schedule: StoredSchedule): boolean {
    try {
      return missingSince(schedule, this.engine.now()).missing
    } catch {
      return false
    }
  }
}
