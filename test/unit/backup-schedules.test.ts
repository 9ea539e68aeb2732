import type Docker from 'dockerode'
import { beforeEach, describe, expect, it } from 'vitest'
import { alertSinkFrom } from '../../src/agent/backup/alerts'
import { BackupEngine } from '../../src/agent/backup/engine'
import { BackupScheduler } from '../../src/agent/backup/schedules'
import type { CronFactory, ScheduledBackup } from '../../src/agent/backup/schedules'
import type { AgentContext } from '../../src/agent/context'
import { OperationLocks } from '../../src/agent/locks'
import { loadConfig } from '../../src/config'
import { AppError } from '../../src/errors'
import { createEventHub, type EventHub } from '../../src/events/hub'
import { createLimiter } from '../../src/limiter'
import { silentLogger } from '../../src/logger'
import type { StoredSchedule } from '../../src/schemas/backup'
import { createStores, type Stores } from '../../storage'

/** What the fake engine answers: the service, no service (removed with `docker rm`), or no answer. */
let engineState: 'present' | 'gone' | 'down' = 'present'

/** Just enough of dockerode to resolve one managed service. */
const docker = {
  listContainers: async () => {
    if (engineState === 'down')
      throw Object.assign(new Error('connect ECONNREFUSED /var/run/docker.sock'), { code: 'ECONNREFUSED' })
    return engineState === 'gone'
      ? []
      : [
          {
            Id: 'a'.repeat(64),
            Names: ['/zapie-web-1'],
            Labels: { 'zapie.managed': 'true', 'zapie.id': 'zapie-web-1' },
          },
        ]
  },
  getContainer: () => ({ inspect: async () => ({ Name: '/zapie-web-1', Mounts: [], Config: {}, State: {} }) }),
} as unknown as Docker

interface FakeJob {
  pattern: string
  timezone: string | undefined
  run: () => void
  stopped: boolean
}

let stores: Stores
let hub: EventHub
let now: number
let jobs: FakeJob[]
let backups: { serviceId: string; at: number }[]
let failNext: boolean
let locks: OperationLocks

const cron: CronFactory = (pattern, timezone, run) => {
  const job: FakeJob = { pattern, timezone, run, stopped: false }
  jobs.push(job)
  return { stop: () => void (job.stopped = true) }
}
const backup: ScheduledBackup = async (serviceId, _schedule, at) => {
  if (failNext) {
    failNext = false
    throw new AppError(502, 'backup_failed', 'busy')
  }
  // Like the real backup: refused while another operation holds the service's lock.
  locks.acquire(serviceId, 'backup')()
  backups.push({ serviceId, at })
  return { backupId: `bk_${at.toString(36)}_00000001`, created_at: new Date(at).toISOString() }
}

function engine() {
  const ctx: AgentContext = {
    docker,
    events: hub,
    stores,
    config: loadConfig({ ZAPIE_STORAGE: 'memory', ZAPIE_DATA_DIR: '/nonexistent' }),
    logger: silentLogger,
    clock: { now: () => now },
    limit: createLimiter(4),
    locks,
  }
  return { scheduler: new BackupScheduler(new BackupEngine(ctx), { cron, backup, checkIntervalMs: 3_600_000 }) }
}

/** Every health-alert published so far, as `state:serviceId`. */
const published: string[] = []

beforeEach(async () => {
  stores = await createStores({ storage: 'memory', dataDir: '/nonexistent' })
  hub = createEventHub()
  published.length = 0
  const ac = new AbortController()
  void (async () => {
    for await (const item of hub.subscribe({ signal: ac.signal, filter: { types: ['health-alert'] } })) {
      if (item.kind === 'event')
        published.push(`${item.event.data.rule}:${item.event.data.state}:${item.event.data.serviceId}`)
    }
  })()
  now = Date.parse('2026-06-01T09:30:00Z')
  jobs = []
  backups = []
  failNext = false
  engineState = 'present'
  locks = new OperationLocks(() => now)
})

const settle = () => new Promise((r) => setTimeout(r, 10))

describe('backup schedules', () => {
  it('stores a schedule, registers its cron job and describes its next run', async () => {
    const { scheduler } = engine()
    const schedule = await scheduler.set('zapie-web-1', {
      cron: '0 * * * *',
      timezone: 'Europe/Berlin',
      enabled: true,
      consistency: 'stop',
      keepLast: 5,
    })
    expect(schedule).toMatchObject({
      serviceId: 'zapie-web-1',
      cron: '0 * * * *',
      consistency: 'stop',
      keepLast: 5,
      nextRun: '2026-06-01T10:00:00.000Z',
      missing: false,
    })
    expect(jobs).toEqual([expect.objectContaining({ pattern: '0 * * * *', timezone: 'Europe/Berlin', stopped: false })])
    expect(await stores.backupSchedules.get('zapie-web-1')).toMatchObject({
      cron: '0 * * * *',
      createdAt: '2026-06-01T09:30:00.000Z',
    })
    expect(await scheduler.get('zapie-web-1')).toMatchObject({ cron: '0 * * * *' })
  })

  it('refuses a bad expression, a bad timezone and one firing more than once a minute with 400', async () => {
    const { scheduler } = engine()
    for (const input of [
      { cron: 'at noon please' },
      { cron: '0 * * * *', timezone: 'Mars/Olympus' },
      { cron: '*/5 * * * * *' },
    ]) {
      const err = await scheduler.set('zapie-web-1', { enabled: true, consistency: 'pause', ...input }).catch((e) => e)
      expect(err, JSON.stringify(input)).toBeInstanceOf(AppError)
      expect(err.status).toBe(400)
    }
    expect(jobs).toEqual([])
  })

  it('runs a backup when the job fires and writes the outcome back', async () => {
    const { scheduler } = engine()
    await scheduler.set('zapie-web-1', { cron: '0 * * * *', enabled: true, consistency: 'pause' })
    now = Date.parse('2026-06-01T10:00:00Z')
    jobs[0]!.run()
    await settle()
    expect(backups).toEqual([{ serviceId: 'zapie-web-1', at: now }])
    expect(await stores.backupSchedules.get('zapie-web-1')).toMatchObject({
      lastRunAt: '2026-06-01T10:00:00.000Z',
      lastSuccessAt: '2026-06-01T10:00:00.000Z',
    })
    failNext = true
    now = Date.parse('2026-06-01T11:00:00Z')
    await scheduler.runNow('zapie-web-1')
    expect(await stores.backupSchedules.get('zapie-web-1')).toMatchObject({
      lastRunAt: '2026-06-01T11:00:00.000Z',
      lastSuccessAt: '2026-06-01T10:00:00.000Z',
      lastError: 'backup_failed: busy',
    })
  })

  it('skips a run that finds the service busy (a restore holds its lock): no error recorded, retried at the next tick', async () => {
    const { scheduler } = engine()
    await scheduler.set('zapie-web-1', { cron: '0 * * * *', enabled: true, consistency: 'pause' })
    const release = locks.acquire('zapie-web-1', 'restore')
    now = Date.parse('2026-06-01T10:00:00Z')
    jobs[0]!.run()
    await settle()
    expect(backups).toEqual([])
    const stored = await stores.backupSchedules.get('zapie-web-1')
    expect(stored?.lastError).toBeUndefined()
    expect(stored?.lastRunAt).toBeUndefined()
    expect(published).toEqual([])
    release()
    now = Date.parse('2026-06-01T11:00:00Z')
    jobs[0]!.run()
    await settle()
    expect(backups).toEqual([{ serviceId: 'zapie-web-1', at: now }])
    expect(await stores.backupSchedules.get('zapie-web-1')).toMatchObject({ lastSuccessAt: '2026-06-01T11:00:00.000Z' })
  })

  it('resumes stored schedules when the agent starts again; disabled ones stay idle', async () => {
    const first = engine()
    await first.scheduler.set('zapie-web-1', { cron: '15 2 * * *', enabled: true, consistency: 'pause' })
    await stores.backupSchedules.set({
      serviceId: 'zapie-off',
      cron: '0 1 * * *',
      enabled: false,
      consistency: 'pause',
      createdAt: '2026-06-01T00:00:00Z',
      updatedAt: '2026-06-01T00:00:00Z',
    } as StoredSchedule)
    first.scheduler.stop()
    expect(jobs[0]!.stopped).toBe(true)
    jobs = []
    const second = engine()
    await second.scheduler.start()
    expect(jobs.map((j) => j.pattern)).toEqual(['15 2 * * *'])
    second.scheduler.stop()
  })

  it('fires backup_missing once after two periods without success, and resolves it once after one', async () => {
    const { scheduler } = engine()
    await scheduler.set('zapie-web-1', { cron: '0 * * * *', enabled: true, consistency: 'pause' })
    now = Date.parse('2026-06-01T10:30:00Z')
    await scheduler.checkAll()
    expect(published).toEqual([])
    now = Date.parse('2026-06-01T11:30:00Z')
    await scheduler.checkAll()
    await scheduler.checkAll()
    await settle()
    expect(published).toEqual(['backup_missing:firing:zapie-web-1'])
    expect((await scheduler.get('zapie-web-1'))?.missing).toBe(true)
    now = Date.parse('2026-06-01T12:00:01Z')
    await scheduler.runNow('zapie-web-1')
    await scheduler.checkAll()
    await settle()
    expect(published).toEqual(['backup_missing:firing:zapie-web-1', 'backup_missing:resolved:zapie-web-1'])
  })

  it('disables a schedule whose service is gone with one alert that nothing repeats or resolves', async () => {
    const { scheduler } = engine()
    await scheduler.set('zapie-web-1', { cron: '0 * * * *', enabled: true, consistency: 'pause' })
    engineState = 'gone'
    // Hours go by, with a check every minute and the runs failing: what used to flap.
    for (let hour = 11; hour <= 15; hour++) {
      now = Date.parse(`2026-06-01T${hour}:00:00Z`)
      failNext = true
      await scheduler.runNow('zapie-web-1')
      await scheduler.checkAll()
    }
    await settle()
    expect(published).toEqual(['backup_missing:firing:zapie-web-1'])
    expect(await stores.backupSchedules.get('zapie-web-1')).toMatchObject({
      enabled: false,
      disabledReason: 'service_gone',
    })
    expect(jobs[0]!.stopped).toBe(true)
    expect(scheduler.scheduled()).toEqual([])
  })

  it('disables a schedule found missing by the periodic check when its service is gone', async () => {
    const { scheduler } = engine()
    await scheduler.set('zapie-web-1', { cron: '0 * * * *', enabled: true, consistency: 'pause' })
    engineState = 'gone'
    now = Date.parse('2026-06-01T11:30:00Z')
    await scheduler.checkAll()
    await scheduler.checkAll()
    await settle()
    expect(published).toEqual(['backup_missing:firing:zapie-web-1'])
    expect(await stores.backupSchedules.get('zapie-web-1')).toMatchObject({
      enabled: false,
      disabledReason: 'service_gone',
    })
  })

  it('keeps a schedule when Docker does not answer: an unreachable engine says nothing about the service', async () => {
    const { scheduler } = engine()
    await scheduler.set('zapie-web-1', { cron: '0 * * * *', enabled: true, consistency: 'pause' })
    engineState = 'down'
    now = Date.parse('2026-06-01T11:30:00Z')
    failNext = true
    await scheduler.runNow('zapie-web-1')
    await scheduler.checkAll()
    expect(await stores.backupSchedules.get('zapie-web-1')).toMatchObject({ enabled: true })
    expect((await stores.backupSchedules.get('zapie-web-1'))?.disabledReason).toBeUndefined()
    expect(scheduler.scheduled()).toEqual(['zapie-web-1'])
  })

  it('forgets the schedule of a service deleted through the API, quietly', async () => {
    const { scheduler } = engine()
    await scheduler.set('zapie-web-1', { cron: '0 * * * *', enabled: true, consistency: 'pause' })
    expect(await scheduler.forget('zapie-web-1')).toBe(true)
    expect(jobs[0]!.stopped).toBe(true)
    expect(await stores.backupSchedules.get('zapie-web-1')).toBeNull()
    expect(await scheduler.forget('zapie-web-1')).toBe(false)
  })

  it('removes a schedule: its job stops and a firing alert resolves', async () => {
    const { scheduler } = engine()
    await scheduler.set('zapie-web-1', { cron: '0 * * * *', enabled: true, consistency: 'pause' })
    now = Date.parse('2026-06-01T12:30:00Z')
    await scheduler.checkAll()
    expect(await scheduler.remove('zapie-web-1')).toEqual({ deleted: true })
    expect(jobs[0]!.stopped).toBe(true)
    expect(await scheduler.get('zapie-web-1')).toBeNull()
    expect(await scheduler.remove('zapie-web-1')).toEqual({ deleted: false })
    await settle()
    expect(published).toEqual(['backup_missing:firing:zapie-web-1', 'backup_missing:resolved:zapie-web-1'])
  })
})

describe('backup_missing through the monitor', () => {
  it('hands the condition to the alert engine, which owns listing, reminders and the webhook', async () => {
    const calls: unknown[][] = []
    const sink = alertSinkFrom({ setCondition: async (...args) => void calls.push(args) }, { warn: () => {} })
    const details = {
      cron: '0 * * * *',
      lastSuccessAt: null,
      expectedSince: '2026-06-01T10:00:00Z',
      message: 'No successful backup since 10:00',
    }
    sink.setMissing('zapie-web-1', true, details)
    sink.setMissing('zapie-web-1', false, details)
    expect(calls).toEqual([
      ['zapie-web-1', 'backup_missing', true, { message: 'No successful backup since 10:00' }],
      ['zapie-web-1', 'backup_missing', false, { message: 'No successful backup since 10:00' }],
    ])
  })
})
