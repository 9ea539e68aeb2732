import os from 'node:os'
import type Docker from 'dockerode'
import { isSafeId, type Stores } from '../../../storage'
import type { Clock } from '../../clock'
import type { EventPublisher } from '../../events/types'
import type { Logger } from '../../logger'
import type {
  MonitoredService,
  MonitorSettings,
  MonitoringStatus,
  ServiceHealth,
  TimeRange,
} from '../../schemas/monitoring'
import type { AlertEngine } from './alert-engine'
import { createCollector } from './collector'
import { createCrashDetector } from './crash-detector'
import { buildHealth, type LatestSample } from './health'
import { createHealthMemo } from './health-memo'
import { createHistoryKeeper, type HistoryKeeper } from './history-keeper'
import type { HostCpu } from './host-stats'
import type { Inventory, InventoryEntry } from './inventory'
import { createInventorySync } from './inventory-sync'
import { RestartWindow } from './restart-window'
import { publishObservation } from './sample-events'
import { createScheduler } from './scheduler'
import type { Thresholds } from './thresholds'
import { monitorOptions, type MonitorOptions } from './monitor-options'

/**
 * What the reads and the monitoring API ask of the monitor: the services as it knows them, their
 * health, monitoring and history, and whether Docker answers.
 */
export interface MonitorQueries {
  /** Resolves after the first tick; an idle monitor (never started) refreshes the list instead. */
  ready(): Promise<void>
  /**
   * The inventory as Docker has it now, for a read: waits for the first refresh and for the
   * refreshes that events already started. A read itself never calls Docker.
   */
  current(): Promise<void>
  /** Whether Docker answered the last container-list read. */
  isDockerReachable(): boolean
  /** When the container list was last read from Docker (epoch ms), null before the first good read. */
  listedAt(): number | null
  /** The service a ref names, refreshing the list once if it is not known yet (a new service). */
  find(ref: string): Promise<InventoryEntry | undefined>
  /** One entry per service, by stable id (two containers may share one during a restore). */
  services(): InventoryEntry[]
  healthOf(entry: InventoryEntry): ServiceHealth
  /** The service's monitoring settings and what its last sample was. */
  monitoringOf(entry: InventoryEntry): MonitoredService
  /** The service's metrics history over the range, at that range's resolution. */
  metricsOf(serviceId: string, range: TimeRange): ReturnType<HistoryKeeper['query']>
  /** Whether it runs, how it collects, its last tick. */
  status(): Omit<MonitoringStatus, 'services'>
  setMonitoring(entry: InventoryEntry, change: { enabled: boolean; intervalMs?: number }): Promise<MonitorSettings>
}

/**
 * The agent's monitor as the rest of the agent sees it: its lifecycle, what it hears (container
 * events, deletions) and its queries. Its collector, scheduler, history and latest samples are
 * its own; the inventory, thresholds and alert engine it works with are built by host.ts and
 * handed to it.
 */
export interface Monitor extends MonitorQueries {
  /** Loads persisted state, then samples every managed service on its interval. */
  start(): Promise<void>
  stop(): Promise<void>
  /** Fed with the agent's container events (see host.ts): crashes, removals, fresher inventory. */
  onContainerEvent(data: Record<string, unknown>): void
  /** The service was deleted through the API: its settings, history and alerts go now, not after the grace. */
  forget(serviceId: string): Promise<void>
  /** Reads the container list again (one read at a time; callers arriving meanwhile share it). */
  refreshInventory(): Promise<void>
}

/** The scheduler key of the container-list refresh that runs even when no service is monitored. */
const INVENTORY = '\u0000inventory'

/** Only what the monitor needs: the engine, its stores, and the parts host.ts shares with others. */
export interface MonitorDeps {
  docker: Docker
  stores: Pick<Stores, 'monitorSettings' | 'metricsHistory'>
  logger: Logger
  clock: Clock
  events: EventPublisher
  /** The agent's inventory (the reads and lifecycle calls use the same one). */
  inventory: Inventory
  /** It reads the effective thresholds, loads them at start and drops a removed service's. */
  thresholds: Pick<Thresholds, 'effective' | 'load' | 'removeService'>
  /** It feeds the alert engine every sample and loads and flushes its state with its own. */
  alerts: Pick<AlertEngine, 'evaluate' | 'remind' | 'forget' | 'knownServices' | 'resolveService' | 'load' | 'flush'>
  /** Sampled every tick, so the system metrics answer against a recent reading. */
  hostCpu: Pick<HostCpu, 'sample'>
}

/** What current() answers when the inventory is already current: settled, shared by every read. */
const CURRENT: Promise<void> = Promise.resolve()

/**
 * The agent's monitor: one collector and one scheduler for every managed service, their latest
 * samples, history, health events and alerts. Built by buildMonitoring (host.ts) over the parts it
 * shares with the rest of the agent; startHostAgent starts and stops it.
 */
export function createMonitor(deps: MonitorDeps, overrides: Partial<MonitorOptions> = {}): Monitor {
  const options = monitorOptions(overrides)
  const { docker, stores, logger, clock, events, inventory, thresholds, alerts, hostCpu } = deps
  const closing = new AbortController()

  const collector = createCollector(docker, {
    source: options.statsSource,
    cgroup: { root: options.cgroupRoot, proc: options.procRoot },
    concurrency: options.concurrency,
    apiTimeoutMs: options.apiTimeoutMs,
    hostCores: os.cpus().length || 1,
    hostMemory: os.totalmem(),
    monotonicNow: () => performance.now(),
  })
  const crashes = createCrashDetector({ graceMs: options.deathGraceMs })
  const history = createHistoryKeeper({ store: stores.metricsHistory, logger, retentionMs: options.retentionMs })
  const sync = createInventorySync(inventory, { logger, clock })

  const settings = new Map<string, MonitorSettings>()
  const latest = new Map<string, LatestSample>()
  const restarts = new Map<string, RestartWindow>()
  const missingSince = new Map<string, number>()
  let lastTick: { at: number; ms: number } | null = null
  let ticks = 0
  let lastPersist = clock.now()
  let lastResync: number | null = null

  const settingsOf = (serviceId: string): MonitorSettings =>
    settings.get(serviceId) ?? { enabled: true, intervalMs: options.defaultIntervalMs }
  const healthMemo = createHealthMemo((entry, inputs) =>
    buildHealth(entry, inputs.sample, settingsOf(entry.serviceId), inputs.dockerReachable, inputs.now),
  )

  let markFirstTick: () => void = () => {}
  let ticked = false
  const firstTick = new Promise<void>((resolve) => (markFirstTick = resolve)).then(() => {
    ticked = true
  })

  /** Adds newly seen services to the schedule (they join this tick); returns them. */
  function schedule(): string[] {
    const added: string[] = []
    for (const serviceId of inventory.serviceIds()) {
      const s = settingsOf(serviceId)
      if (s.enabled && !scheduler.has(serviceId)) {
        scheduler.set(serviceId, s.intervalMs, s.intervalMs)
        added.push(serviceId)
      }
    }
    return added
  }

  /** Drops everything about services whose containers are gone (after a grace: a restore recreates them). */
  async function dropRemoved(now: number) {
    const present = inventory.serviceIds()
    const known = new Set([
      ...scheduler.keys(),
      ...settings.keys(),
      ...latest.keys(),
      ...history.services(),
      ...alerts.knownServices(),
    ])
    known.delete(INVENTORY)
    for (const id of missingSince.keys()) if (present.has(id)) missingSince.delete(id)
    for (const id of known) {
      if (present.has(id)) continue
      const since = missingSince.get(id) ?? now
      missingSince.set(id, since)
      if (now - since >= options.removalGraceMs) await forget(id)
    }
  }

  async function forget(serviceId: string) {
    scheduler.delete(serviceId)
    settings.delete(serviceId)
    latest.delete(serviceId)
    restarts.delete(serviceId)
    missingSince.delete(serviceId)
    const removals: Promise<unknown>[] = [
      alerts.forget(serviceId),
      history.forget(serviceId),
      thresholds.removeService(serviceId).catch(() => {}),
    ]
    if (isSafeId(serviceId)) removals.push(stores.monitorSettings.remove(serviceId))
    await Promise.all(removals).catch((err) =>
      logger.error({ msg: 'monitor: could not remove the state of a removed service', serviceId, error: String(err) }),
    )
    logger.info({ msg: 'monitor: service removed; its monitor, history and alerts went with it', serviceId })
  }

  function observe(entry: InventoryEntry, now: number, sampled: LatestSample | undefined) {
    const serviceId = entry.serviceId
    const dockerReachable = sync.reachable()
    if (sampled) latest.set(serviceId, sampled)
    else if (entry.state !== 'running' && entry.state !== 'paused')
      latest.set(serviceId, { at: now, metrics: null, error: null })
    const health = buildHealth(entry, latest.get(serviceId), settingsOf(serviceId), dockerReachable, now)
    const metrics = sampled?.metrics
    // In the history before anyone hears of it: a client refetching on the event sees the sample.
    if (metrics) history.append(serviceId, now, metrics)
    publishObservation(events, entry, health, metrics)
    let window = restarts.get(serviceId)
    if (!window) restarts.set(serviceId, (window = new RestartWindow()))
    window.record(now, health.restartCount)
    const t = thresholds.effective(serviceId)
    alerts.evaluate(
      { serviceId, containerId: entry.id, serviceName: entry.name },
      {
        observable: dockerReachable,
        status: health.status,
        running: entry.state === 'running',
        cpu: metrics?.cpu.percentage ?? null,
        memory: metrics?.memory.percentage ?? null,
        restartIncrease: window.increase(now, t.restarts.windowMs),
        crashed: crashes.crashed(entry.id, now),
      },
    )
  }

  async function tick(due: string[]) {
    const started = performance.now()
    const now = clock.now()
    // What events already asked for is taken in before this tick looks at the services.
    if (sync.pending()) await sync.settled()
    // The full list is the periodic resync: once per default interval however many services
    // are due. Between resyncs the events keep the inventory current (onContainerEvent).
    if (lastResync === null || now - lastResync >= options.defaultIntervalMs - 50 || !sync.reachable()) {
      lastResync = now
      await sync.refresh()
    }
    const dueServices = new Set(due.filter((k) => k !== INVENTORY))
    if (sync.reachable()) {
      for (const id of schedule()) dueServices.add(id)
      const live = new Set(inventory.entries().map((e) => e.id))
      collector.retain(live)
      crashes.retain(live)
      await dropRemoved(now)
    }
    const entries = [...dueServices]
      .map((id) => inventory.byService(id))
      .filter((e): e is InventoryEntry => !!e && settingsOf(e.serviceId).enabled)
    const running = entries.filter((e) => e.state === 'running' || e.state === 'paused')
    const results = sync.reachable() ? await collector.sample(running, now, closing.signal) : new Map()
    await hostCpu.sample()
    for (const entry of entries) {
      // Monitoring may have been stopped while this tick was sampling.
      if (!settingsOf(entry.serviceId).enabled) continue
      const result = results.get(entry.id)
      let sampled: LatestSample | undefined
      if (result) {
        sampled = { at: now, metrics: result.ok ? result.metrics : null, error: result.ok ? null : result.error }
        // A failed read usually means the container changed under us: look at it again next time.
        if (!result.ok) inventory.markStale(entry.id)
      }
      observe(entry, now, sampled)
    }
    alerts.remind()
    if (now - lastPersist >= options.persistIntervalMs) {
      lastPersist = now
      await history.persist(now)
    }
    ticks += 1
    lastTick = { at: now, ms: Math.round(performance.now() - started) }
    markFirstTick()
  }

  const scheduler = createScheduler({
    run: tick,
    onError: (err) =>
      logger.error({
        msg: 'monitor tick failed',
        error: String((err as Error)?.message ?? err),
        stack: (err as Error)?.stack,
      }),
  })

  let started: Promise<void> | null = null

  async function load() {
    const saved = await stores.monitorSettings.all().catch((err) => {
      logger.error({ msg: 'monitor settings unreadable', error: String(err) })
      return { records: new Map<string, MonitorSettings>(), corrupt: [] }
    })
    for (const [id, s] of saved.records) settings.set(id, s)
    for (const err of saved.corrupt)
      logger.error({ msg: 'monitor settings of a service unreadable; it uses the defaults', ...err })
    await Promise.all([
      thresholds.load().catch((err) => logger.error({ msg: 'alert settings unreadable', error: String(err) })),
      alerts.load().catch((err) => logger.error({ msg: 'alert state unreadable', error: String(err) })),
      history.load(clock.now()).catch((err) => logger.error({ msg: 'metrics history unreadable', error: String(err) })),
    ])
  }

  /** Resolves after the first tick; an idle monitor (never started) refreshes the list instead. */
  async function ready(): Promise<void> {
    if (!started) return sync.refresh()
    // Every read comes here: after the first tick, no promise and no timer per call.
    if (ticked) return
    await started
    await Promise.race([firstTick, new Promise((r) => setTimeout(r, options.apiTimeoutMs + 5000).unref())])
  }

  /**
   * The inventory as Docker has it now, for a read: waits for the first refresh and for the
   * refreshes that events already started (each lists and inspects that one container). A read
   * itself never calls Docker.
   */
  function current(): Promise<void> {
    // Every read comes here: once the first tick is in and no refresh waits, one settled promise
    // for all of them instead of two async steps each.
    return isCurrent() ? CURRENT : settle()
  }
  // The first tick is in and no refresh waits: what the inventory holds is what Docker has.
  function isCurrent(): boolean {
    return started !== null && ticked && !sync.pending()
  }
  async function findAfterRefresh(ref: string): Promise<InventoryEntry | undefined> {
    await current()
    const known = inventory.resolve(ref)
    if (known) return known
    await sync.refresh()
    return inventory.resolve(ref)
  }
  async function settle(): Promise<void> {
    await ready()
    if (sync.pending()) await sync.settled()
  }

  return {
    start(): Promise<void> {
      started ??= load().then(() => {
        if (closing.signal.aborted) return
        scheduler.set(INVENTORY, options.defaultIntervalMs)
        scheduler.start()
      })
      return started
    },
    ready,
    current,

    async stop() {
      closing.abort()
      await started?.catch(() => {})
      await scheduler.stop()
      await history.persist(clock.now())
      await alerts.flush()
    },

    onContainerEvent(data: Record<string, unknown>) {
      const action = String(data.action ?? '')
      const containerId = String(data.containerId ?? '')
      if (!containerId) return
      crashes.onEvent(action, containerId, clock.now())
      sync.onEvent(containerId)
      scheduler.trigger(INVENTORY, action === 'destroy' ? options.removalGraceMs + 50 : options.eventRefreshDelayMs)
    },

    forget,
    refreshInventory: () => sync.refresh(),
    isDockerReachable: () => sync.reachable(),
    listedAt: () => inventory.refreshedAt(),

    find(ref: string): Promise<InventoryEntry | undefined> {
      // A known container of a current inventory, the common read: no async step of its own.
      const known = isCurrent() ? inventory.resolve(ref) : undefined
      return known ? Promise.resolve(known) : findAfterRefresh(ref)
    },

    services: () => inventory.services(),

    healthOf(entry: InventoryEntry): ServiceHealth {
      const { serviceId } = entry
      return healthMemo(entry, {
        sample: latest.get(serviceId),
        settings: settings.get(serviceId),
        dockerReachable: sync.reachable(),
        now: clock.now(),
      })
    },

    monitoringOf(entry: InventoryEntry): MonitoredService {
      const s = settingsOf(entry.serviceId)
      const last = s.enabled ? latest.get(entry.serviceId) : undefined
      return {
        serviceId: entry.serviceId,
        containerId: entry.id,
        ...s,
        lastSampleAt: last ? new Date(last.at).toISOString() : null,
        source: last?.metrics?.source ?? null,
        historyError: history.errorOf(entry.serviceId),
      }
    },

    metricsOf: (serviceId: string, range: TimeRange) => history.query(serviceId, range, clock.now()),

    status() {
      return {
        running: started !== null && !closing.signal.aborted,
        collector: {
          mode: collector.mode,
          cgroupVersion: collector.cgroupVersion(),
          lastTickAt: lastTick ? new Date(lastTick.at).toISOString() : null,
          lastTickMs: lastTick?.ms ?? null,
          ticks,
        },
        defaultIntervalMs: options.defaultIntervalMs,
      }
    },

    async setMonitoring(entry: InventoryEntry, change: { enabled: boolean; intervalMs?: number }) {
      const serviceId = entry.serviceId
      const next: MonitorSettings = {
        enabled: change.enabled,
        intervalMs: change.intervalMs ?? settingsOf(serviceId).intervalMs,
      }
      if (isSafeId(serviceId)) await stores.monitorSettings.set(serviceId, next)
      settings.set(serviceId, next)
      if (next.enabled) scheduler.set(serviceId, next.intervalMs)
      else {
        scheduler.delete(serviceId)
        latest.delete(serviceId)
        // Nothing will clear them any more: close them now rather than leave them firing forever.
        alerts.resolveService(serviceId, 'Monitoring of the service was stopped')
      }
      return next
    },
  }
}
