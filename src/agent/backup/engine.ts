import { createLimiter, type Limiter } from '../../limiter'
import type { AgentContext } from '../context'
import { alertSinkFrom, createEventAlertSink, type BackupAlertSink } from './alerts'
import { IntentLog } from './intents'
import type { OperationLocks } from '../locks'
import { BackupPaths } from './paths'
import { BackupScheduler, type SchedulerOptions } from './schedules'

export interface BackupEngineOptions {
  /** Where a missed schedule is reported; default: `health-alert` events on the hub. */
  alerts?: BackupAlertSink
  /** Archive jobs running at once; deflate is CPU-bound, so a small number (default 2). */
  concurrency?: number
  /** How long a restored service must keep running before the restore counts as done. */
  restoreSettleMs?: number
  scheduler?: SchedulerOptions
}

/**
 * The backup engine's shared state for one agent: the backup directory's layout, the intent
 * log, the job limiter and the alert sink. One per AgentContext, so the in-process client and
 * the background scheduler share one job limiter; the locks are the context's own.
 */
export class BackupEngine {
  readonly paths: BackupPaths
  readonly intents: IntentLog
  /** The agent's one operation lock registry (the context's), shared with delete and lifecycle. */
  readonly locks: OperationLocks
  readonly alerts: BackupAlertSink
  readonly jobs: Limiter
  readonly restoreSettleMs: number
  readonly scheduler: BackupScheduler
  /** Resolves once crash recovery has put interrupted jobs right; jobs wait for it. */
  ready: Promise<void> = Promise.resolve()
  private readonly background = new Set<Promise<unknown>>()

  constructor(
    readonly ctx: AgentContext,
    options: BackupEngineOptions = {},
  ) {
    this.locks = ctx.locks
    this.paths = new BackupPaths(ctx.config.backupDir)
    this.intents = new IntentLog(this.paths)
    this.alerts = options.alerts ?? (ctx.alerts ? alertSinkFrom(ctx.alerts, ctx.logger) : createEventAlertSink(ctx.events))
    this.jobs = createLimiter(options.concurrency ?? 2)
    this.restoreSettleMs = options.restoreSettleMs ?? 2000
    this.scheduler = new BackupScheduler(this, options.scheduler)
  }

  /** Keeps a job that runs after its request has been answered; its failure is logged. */
  runInBackground(what: string, job: Promise<unknown>): void {
    const tracked = job.catch((err) => {
      this.ctx.logger.warn({ msg: `${what} failed`, error: String((err as Error)?.message ?? err) })
    })
    this.background.add(tracked)
    void tracked.finally(() => this.background.delete(tracked))
  }

  /** Background jobs still running (tests and graceful shutdown wait for them). */
  async idle(): Promise<void> {
    while (this.background.size > 0) await Promise.allSettled([...this.background])
  }

  now(): number {
    return this.ctx.clock.now()
  }
}

const engines = new WeakMap<AgentContext, BackupEngine>()

/** The engine of `ctx`, created on first use (with `options`, if the host agent passed any). */
export function backupEngineFor(ctx: AgentContext, options?: BackupEngineOptions): BackupEngine {
  let engine = engines.get(ctx)
  if (!engine) {
    engine = new BackupEngine(ctx, options)
    engines.set(ctx, engine)
  }
  return engine
}
