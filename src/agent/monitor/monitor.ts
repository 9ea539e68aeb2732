import os from 'node:os'
import { isSafeId } from '../../../storage'
import type { AlertThresholds, MonitorSettings, ServiceHealth, TimeRange } from '../../schemas/monitoring'
import { MONITOR_INTERVAL_MS } from '../../schemas/monitoring'
import type { AgentContext } from '../context'
import { createAlertEngine, type AlertEngine, type ServiceIdentity } from './alert-engine'
import { createCollector, type Collector } from './collector'
import { createCrashDetector } from './crash-detector'
import { buildHealth, type LatestSample } from './health'
import { createHistoryKeeper, type HistoryKeeper } from './history-keeper'
import { createHostCpu } from './host-stats'
import { createInventory, type Inventory, type InventoryEntry } from './inventory'
import { RestartWindow } from './restart-window'
import { createScheduler } from './scheduler'
import { createThresholds, DEFAULT_THRESHOLDS, type Thresholds } from './thresholds'
import { loadConfig } from '../../config'
import { webhookPolicyFromConfig } from '../../net/webhook-policy'
import { createWebhookSender, type WebhookSender } from './webhook'
import { interfaceAddresses, type Lookup } from './webhook-target'

export interface MonitorOptions {
  /** Interval of services nobody configured, and of the container-list refresh. */
  defaultIntervalMs: number
  /** `auto`: cgroup files, with the Docker API as fallback; `docker-api`: the API only. */
  statsSource: 'auto' | 'docker-api'
  cgroupRoot: string
  procRoot: string
  /** Stats API calls at once (fallback path). */
  concurrency: number
  apiTimeoutMs: number
  retentionMs: number
  persistIntervalMs: number
  /** How long a service must be gone (no container with its stable id) before its state is dropped. */
  removalGraceMs: number
  /** How long after a die a stop may still arrive and make it deliberate. */
  deathGraceMs: number
  /** Delay of the container-list refresh a docker event asks for (bursts share one). */
  eventRefreshDelayMs: number
  /** Built-in thresholds, laid over the defaults (tests: fewer samples to fire). */
  alertDefaults: Partial<AlertThresholds>
  /** Delivery tuning; `lookup` replaces DNS (tests resolve names to 127.0.0.1 with it). */
  webhook: { timeoutMs?: number; retries?: number; backoffMs?: number; lookup?: Lookup }
}

export const DEFAULT_MONITOR_OPTIONS: MonitorOptions = {
  defaultIntervalMs: MONITOR_INTERVAL_MS.default,
  statsSource: 'auto',
  cgroupRoot: '/sys/fs/cgroup',
  procRoot: '/proc',
  concurrency: 8,
  apiTimeoutMs: 10_000,
  retentionMs: 30 * 86_400_000,
  persistIntervalMs: 60_000,
  removalGraceMs: 5000,
  deathGraceMs: 1500,
  eventRefreshDelayMs: 250,
  alertDefaults: {},
  webhook: {},
}

/**
 * The agent's monitor as the rest of the agent sees it: its lifecycle (start, ready, stop), what
 * it hears (container events, deletions) and what the monitoring and alerts API asks of it.
 */
type HostCpu = ReturnType<typeof createHostCpu>

export interface Monitor {
  readonly options: MonitorOptions
  readonly inventory: Inventory
  readonly collector: Pick<Collector, 'mode' | 'cgroupVersion'>
  readonly alerts: AlertEngine
  readonly thresholds: Thresholds
  readonly webhook: WebhookSender
  readonly history: Pick<HistoryKeeper, 'errorOf'>
  readonly hostCpu: HostCpu
  settingsOf(serviceId: string): MonitorSettings
  refreshInventory(): Promise<void>
  isDockerReachable(): boolean
  lastTick(): { at: number; ms: number } | null
  ticks(): number
  isRunning(): boolean
  /** The service was deleted through the API: its settings, history and alerts go now, not after the grace. */
  forget(serviceId: string): Promise<void>
  /** Loads persisted state, then samples every managed service on its interval. */
  start(): Promise<void>
  /** Resolves after the first tick; an idle monitor (never started) refreshes the list instead. */
  ready(): Promise<void>
  /**
   * The inventory as Docker has it now, for a read: waits for the first refresh and for the
   * refreshes that events already started. A read itself never calls Docker.
   */
  current(): Promise<void>
  stop(): Promise<void>
  /** Fed with the agent's container events (see host.ts): crashes, removals, fresher inventory. */
  onContainerEvent(data: Record<string, unknown>): void
  healthOf(entry: InventoryEntry): ServiceHealth
  latestOf(serviceId: string): LatestSample | undefined
  /** The service a ref names, refreshing the list once if it is not known yet (a new service). */
  find(ref: string): Promise<InventoryEntry | undefined>
  query(serviceId: string, range: TimeRange): ReturnType<HistoryKeeper['query']>
  setMonitoring(entry: InventoryEntry, change: { enabled: boolean; intervalMs?: number }): Promise<MonitorSettings>
}

/** The scheduler key of the container-list refresh that runs even when no service is monitored. */
const INVENTORY = '\u0000inventory'

/** Only what the monitor needs of the agent. */
export type MonitorContext = Pick<AgentContext, 'docker' | 'stores' | 'logger' | 'clock'> & {
  events: AgentContext['events']
  config?: AgentContext['config']
}

/**
 * The agent's monitor: one collector and one scheduler for every managed service, their latest
 * samples, history, health events and alerts. Built by startHostAgent, which starts and stops it.
 */
export function createMonitor(ctx: MonitorContext, overrides: Partial<MonitorOptions> = {}): Monitor {
  const options: MonitorOptions = { ...DEFAULT_MONITOR_OPTIONS, ...overrides }
  const { docker, stores, logger, clock, events } = ctx
  const closing = new AbortController()

  const inventory = createInventory(docker)
  const collector = createCollector(docker, {
    source: options.statsSource,
    cgroup: { root: options.cgroupRoot, proc: options.procRoot },
    concurrency: options.concurrency,
    apiTimeoutMs: options.apiTimeoutMs,
    hostCores: os.cpus().length || 1,
    hostMemory: os.totalmem(),
    monotonicNow: () => performance.now(),
  })
  const thresholds = createThresholds(stores.alertSettings, { ...DEFAULT_THRESHOLDS, ...options.alertDefaults }, logger)
  // Without a configuration (unit tests) the defaults apply: public destinations only.
  const policy = webhookPolicyFromConfig(ctx.config ?? loadConfig({}), interfaceAddresses())
  const webhook = createWebhookSender({ url: thresholds.webhookUrl, logger, policy, ...options.webhook })
  const crashes = createCrashDetector({ graceMs: options.deathGraceMs })
  const hostCpu = createHostCpu(options.procRoot)
  const history = createHistoryKeeper({ store: stores.metricsHistory, logger, retentionMs: options.retentionMs })

  const settings = new Map<string, MonitorSettings>()
  const latest = new Map<string, LatestSample>()
  const restarts = new Map<string, RestartWindow>()
  const missingSince = new Map<string, number>()
  let dockerReachable = true
  let lastTick: { at: number; ms: number } | null = null
  let ticks = 0
  let lastPersist = clock.now()
  let refreshing: Promise<void> | null = null
  // Refreshes of single containers that docker events asked for; a read waits for them. One at a
  // time per container, so an older answer (create) never lands after a newer one (start).
  const eventRefreshes = new Map<string, { done: Promise<void>; again: boolean }>()
  const settled = () => Promise.all([...eventRefreshes.values()].map((r) => r.done))
  function refreshOnEvent(containerId: string) {
    const known = eventRefreshes.get(containerId)
    if (known) {
      known.again = true
      return
    }
    const run = { done: Promise.resolve(), again: true }
    run.done = (async () => {
      while (run.again) {
        run.again = false
        // Docker went away mid-refresh: the entry stays stale and the next resync takes it.
        await inventory.refreshOne(containerId).catch(() => {})
      }
      eventRefreshes.delete(containerId)
    })()
    eventRefreshes.set(containerId, run)
  }
  let lastResync: number | null = null

  const identify = (serviceId: string): ServiceIdentity => {
    const entry = inventory.byService(serviceId)
    return { serviceId, containerId: entry?.id ?? null, serviceName: entry?.name ?? serviceId }
  }
  const alerts = createAlertEngine({ events, store: stores.alertState, thresholds, webhook, logger, clock, identify })

  const settingsOf = (serviceId: string): MonitorSettings =>
    settings.get(serviceId) ?? { enabled: true, intervalMs: options.defaultIntervalMs }

  let markFirstTick: () => void = () => {}
  let ticked = false
  const firstTick = new Promise<void>((resolve) => (markFirstTick = resolve)).then(() => {
    ticked = true
  })

  /** One container-list refresh at a time; a caller arriving meanwhile shares it. */
  function refreshInventory(): Promise<void> {
    refreshing ??= inventory
      .refresh(clock.now())
      .then(() => {
        if (!dockerReachable) logger.info({ msg: 'monitor: Docker answers again' })
        dockerReachable = true
      })
      .catch((err) => {
        if (dockerReachable)
          logger.warn({ msg: 'monitor: Docker is not reachable', error: String((err as Error)?.message ?? err) })
        dockerReachable = false
      })
      .finally(() => (refreshing = null))
    return refreshing
  }

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
    if (sampled) latest.set(serviceId, sampled)
    else if (entry.state !== 'running' && entry.state !== 'paused')
      latest.set(serviceId, { at: now, metrics: null, error: null })
    const health = buildHealth(entry, latest.get(serviceId), settingsOf(serviceId), dockerReachable, now)
    events.publish('health-update', {
      containerId: entry.id,
      serviceId,
      serviceName: entry.name,
      status: health.status,
      health: health.health,
      uptime: health.uptime,
      uptimeSeconds: health.uptimeSeconds,
      restartCount: health.restartCount,
    })
    const metrics = sampled?.metrics
    if (metrics) {
      history.append(serviceId, now, metrics)
      const { cpu, memory, network, blockIO, pids } = metrics
      events.publish('metrics-update', {
        containerId: entry.id,
        serviceId,
        serviceName: entry.name,
        metrics: { cpu, memory, network, blockIO, pids },
      })
    }
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
    if (eventRefreshes.size) await settled()
    // The full list is the periodic resync: once per default interval however many services
    // are due. Between resyncs the events keep the inventory current (onContainerEvent).
    if (lastResync === null || now - lastResync >= options.defaultIntervalMs - 50 || !dockerReachable) {
      lastResync = now
      await refreshInventory()
    }
    const dueServices = new Set(due.filter((k) => k !== INVENTORY))
    if (dockerReachable) {
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
    const results = dockerReachable ? await collector.sample(running, now, closing.signal) : new Map()
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

  return {
    options,
    inventory,
    collector,
    alerts,
    thresholds,
    webhook,
    history,
    hostCpu,
    settingsOf,
    refreshInventory,
    isDockerReachable: () => dockerReachable,
    lastTick: () => lastTick,
    ticks: () => ticks,
    isRunning: () => started !== null && !closing.signal.aborted,
    /** The service was deleted through the API: its settings, history and alerts go now, not after the grace. */
    forget,

    /** Loads persisted state, then samples every managed service on its interval. */
    start(): Promise<void> {
      started ??= load().then(() => {
        if (closing.signal.aborted) return
        scheduler.set(INVENTORY, options.defaultIntervalMs)
        scheduler.start()
      })
      return started
    },

    /** Resolves after the first tick; an idle monitor (never started) refreshes the list instead. */
    async ready(): Promise<void> {
      if (!started) return refreshInventory()
      // Every read comes here: after the first tick, no promise and no timer per call.
      if (ticked) return
      await started
      await Promise.race([firstTick, new Promise((r) => setTimeout(r, options.apiTimeoutMs + 5000).unref())])
    },

    async stop() {
      closing.abort()
      await started?.catch(() => {})
      await scheduler.stop()
      webhook.close()
      await history.persist(clock.now())
      await alerts.flush()
    },

    /**
     * The inventory as Docker has it now, for a read: waits for the first refresh and for the
     * refreshes that events already started (each lists and inspects that one container). A read
     * itself never calls Docker.
     */
    async current(): Promise<void> {
      await this.ready()
      if (eventRefreshes.size) await settled()
    },

    /** Fed with the agent's container events (see host.ts): crashes, removals, fresher inventory. */
    onContainerEvent(data: Record<string, unknown>) {
      const action = String(data.action ?? '')
      const containerId = String(data.containerId ?? '')
      if (!containerId) return
      crashes.onEvent(action, containerId, clock.now())
      inventory.markStale(containerId)
      refreshOnEvent(containerId)
      scheduler.trigger(INVENTORY, action === 'destroy' ? options.removalGraceMs + 50 : options.eventRefreshDelayMs)
    },

    healthOf(entry: InventoryEntry): ServiceHealth {
      return buildHealth(entry, latest.get(entry.serviceId), settingsOf(entry.serviceId), dockerReachable, clock.now())
    },

    latestOf: (serviceId: string) => latest.get(serviceId),

    /** The service a ref names, refreshing the list once if it is not known yet (a new service). */
    async find(ref: string): Promise<InventoryEntry | undefined> {
      await this.current()
      const known = inventory.resolve(ref)
      if (known) return known
      await refreshInventory()
      return inventory.resolve(ref)
    },

    query(serviceId: string, range: TimeRange) {
      return history.query(serviceId, range, clock.now())
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
