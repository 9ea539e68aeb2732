import { randomUUID } from 'node:crypto'
import { isSafeId, type AlertStateStore } from '../../../storage'
import type { Clock } from '../../clock'
import type { EventPublisher } from '../../events/types'
import type { Logger } from '../../logger'
import type { AlertList, AlertRecord, AlertRule, AlertSeverity } from '../../schemas/monitoring'
import { initialState, remindIfDue, resolve, step, type RuleState, type Transition } from './alert-machine'
import { evaluateRule, INHIBITED_BY, RULE_SEVERITY, SAMPLED_RULES, type RuleInput, type Verdict } from './alert-rules'
import type { Thresholds } from './thresholds'
import type { WebhookSender } from './webhook'

export interface ServiceIdentity {
  serviceId: string
  containerId: string | null
  serviceName: string
}

export interface ConditionDetails {
  message?: string
  value?: number | null
  threshold?: number | null
  severity?: AlertSeverity
}

/**
 * How other features raise alerts the monitor cannot see (backups: `backup_missing`). The
 * condition fires at once when it becomes active and resolves when it no longer is; calling
 * again with the same value changes nothing, so a caller may simply report on every check.
 */
export interface AlertConditions {
  setCondition(serviceId: string, rule: AlertRule, active: boolean, details?: ConditionDetails): Promise<void>
}

export interface AlertEngineDeps {
  events: EventPublisher
  store: AlertStateStore
  thresholds: Thresholds
  webhook: WebhookSender
  logger: Logger
  clock: Clock
  /** Container id and name of a service, as far as the monitor knows them. */
  identify: (serviceId: string) => ServiceIdentity
  /** Resolved alerts kept per service, and for how long. */
  recentLimit?: number
  recentMs?: number
}

/** The `health-alert` payload: the alert plus whether this is a reminder. */
export function alertPayload(alert: AlertRecord, reminder: boolean) {
  return {
    alertId: alert.id,
    rule: alert.rule,
    type: alert.rule,
    severity: alert.severity,
    state: alert.state,
    reminder,
    message: alert.message,
    value: alert.value,
    threshold: alert.threshold,
    containerId: alert.containerId,
    serviceId: alert.serviceId,
    serviceName: alert.serviceName,
    startedAt: alert.startedAt,
    resolvedAt: alert.resolvedAt,
  }
}

/**
 * Alert state for every (service, rule): evaluates the rules on each sample, publishes one
 * `health-alert` when an alert fires and one with `state: "resolved"` when it clears, repeats a
 * firing alert as a reminder, sends each of those to the webhook, and persists what fires and
 * resolves so an agent restart neither repeats nor forgets an alert.
 */
export function createAlertEngine(deps: AlertEngineDeps) {
  const recentLimit = deps.recentLimit ?? 50
  const recentMs = deps.recentMs ?? 7 * 86_400_000
  const states = new Map<string, Map<AlertRule, RuleState>>()
  const recent = new Map<string, AlertRecord[]>()
  const writes = new Map<string, Promise<void>>()

  function stateOf(serviceId: string, rule: AlertRule): RuleState {
    let rules = states.get(serviceId)
    if (!rules) states.set(serviceId, (rules = new Map()))
    let state = rules.get(rule)
    if (!state) rules.set(rule, (state = initialState()))
    return state
  }

  function openAlert(
    id: ServiceIdentity,
    rule: AlertRule,
    verdict: Verdict,
    now: number,
    severity?: AlertSeverity,
  ): AlertRecord {
    const iso = new Date(now).toISOString()
    return {
      id: randomUUID(),
      rule,
      severity: severity ?? RULE_SEVERITY[rule],
      state: 'firing',
      serviceId: id.serviceId,
      containerId: id.containerId,
      serviceName: id.serviceName,
      message: verdict.message,
      value: verdict.value,
      threshold: verdict.threshold,
      startedAt: iso,
      resolvedAt: null,
      lastNotifiedAt: iso,
      notifications: 1,
    }
  }

  function notify(alert: AlertRecord, reminder: boolean) {
    const payload = alertPayload(alert, reminder)
    const event = deps.events.publish('health-alert', payload)
    const tag = alert.state === 'resolved' ? 'RESOLVED' : reminder ? 'STILL FIRING' : 'FIRING'
    deps.webhook.send({
      event: 'health-alert',
      text: `[${tag}] ${alert.serviceName}: ${alert.rule} — ${alert.message}`,
      alert: { ...payload, timestamp: event.data.timestamp },
    })
  }

  function persist(serviceId: string) {
    // A stable id that cannot be a storage key (a container labelled outside our API) stays in memory.
    if (!isSafeId(serviceId)) return
    const previous = writes.get(serviceId) ?? Promise.resolve()
    const next = previous
      .then(async () => {
        const active = [...(states.get(serviceId)?.values() ?? [])]
          .filter((s) => s.phase === 'firing' && s.alert)
          .map((s) => s.alert!)
        const resolved = recent.get(serviceId) ?? []
        if (active.length === 0 && resolved.length === 0) await deps.store.remove(serviceId)
        else await deps.store.set(serviceId, { active, recent: resolved })
      })
      .catch((err) =>
        deps.logger.error({
          msg: 'could not save alert state',
          serviceId,
          error: String((err as Error)?.message ?? err),
        }),
      )
    writes.set(serviceId, next)
    void next.then(() => {
      if (writes.get(serviceId) === next) writes.delete(serviceId)
    })
  }

  function apply(serviceId: string, transition: Transition) {
    if (!transition) return
    if (transition.kind === 'resolve') {
      const now = deps.clock.now()
      const list = [transition.alert, ...(recent.get(serviceId) ?? [])]
        .filter((a) => now - Date.parse(a.resolvedAt ?? a.startedAt) <= recentMs)
        .slice(0, recentLimit)
      recent.set(serviceId, list)
    }
    notify(transition.alert, false)
    persist(serviceId)
  }

  /** Resolves a service's firing alerts (monitoring stopped: sampled rules; removed: all). */
  function resolveService(serviceId: string, message: string, rules: readonly AlertRule[] = SAMPLED_RULES) {
    const now = deps.clock.now()
    for (const rule of rules) {
      const state = states.get(serviceId)?.get(rule)
      if (state) apply(serviceId, resolve(state, now, message))
    }
  }

  return {
    /** Restores firing alerts (they stay firing, without a new notification) and recent ones. */
    async load() {
      const { records, corrupt } = await deps.store.all()
      for (const err of corrupt) deps.logger.error({ msg: 'alert state unreadable; left in place', ...err })
      for (const [serviceId, record] of records) {
        for (const alert of record.active)
          Object.assign(stateOf(serviceId, alert.rule), { phase: 'firing', breaches: 0, alert })
        recent.set(serviceId, record.recent)
      }
    },

    /** Reads every sampled rule for one service after one tick. */
    evaluate(id: ServiceIdentity, input: RuleInput) {
      const now = deps.clock.now()
      const t = deps.thresholds.effective(id.serviceId)
      for (const rule of SAMPLED_RULES) {
        const state = stateOf(id.serviceId, rule)
        if (t.disabledRules.includes(rule)) {
          apply(id.serviceId, resolve(state, now, 'The rule was turned off'))
          continue
        }
        const verdict = evaluateRule(rule, input, t)
        apply(
          id.serviceId,
          step(state, verdict, { samplesToFire: t.consecutiveSamples, now, open: (v) => openAlert(id, rule, v, now) }),
        )
      }
    },

    async setCondition(serviceId: string, rule: AlertRule, active: boolean, details: ConditionDetails = {}) {
      const now = deps.clock.now()
      const state = stateOf(serviceId, rule)
      if (active && deps.thresholds.effective(serviceId).disabledRules.includes(rule)) return
      const verdict: Verdict = {
        breach: active,
        clear: !active,
        value: details.value ?? null,
        threshold: details.threshold ?? null,
        message: details.message ?? (active ? `${rule} is active` : `${rule} cleared`),
      }
      const id = deps.identify(serviceId)
      apply(
        serviceId,
        step(state, verdict, { samplesToFire: 1, now, open: (v) => openAlert(id, rule, v, now, details.severity) }),
      )
    },

    /** Repeats firing alerts whose reminder is due (a warning stays quiet while its critical fires). */
    remind() {
      const now = deps.clock.now()
      for (const [serviceId, rules] of states) {
        const { reminderMs } = deps.thresholds.effective(serviceId)
        for (const [rule, state] of rules) {
          const inhibitor = INHIBITED_BY[rule]
          if (inhibitor && rules.get(inhibitor)?.phase === 'firing') continue
          const alert = remindIfDue(state, now, reminderMs)
          if (alert) {
            notify(alert, true)
            persist(serviceId)
          }
        }
      }
    },

    resolveService,

    /** The service is gone: resolve what fires (receivers should close it), then drop everything. */
    async forget(serviceId: string) {
      resolveService(serviceId, 'The service was removed', [...(states.get(serviceId)?.keys() ?? [])])
      await writes.get(serviceId)
      states.delete(serviceId)
      recent.delete(serviceId)
      if (isSafeId(serviceId)) await deps.store.remove(serviceId)
    },

    knownServices: () => new Set([...states.keys(), ...recent.keys()]),

    list(filter: { serviceId?: string; limit?: number } = {}): AlertList {
      const limit = filter.limit ?? 100
      const pick = (id: string) => !filter.serviceId || filter.serviceId === id
      const active: AlertRecord[] = []
      for (const [serviceId, rules] of states) {
        if (!pick(serviceId)) continue
        for (const s of rules.values()) if (s.phase === 'firing' && s.alert) active.push(s.alert)
      }
      const resolved = [...recent].filter(([id]) => pick(id)).flatMap(([, list]) => list)
      return {
        active: active.sort((a, b) => b.startedAt.localeCompare(a.startedAt)).slice(0, limit),
        recent: resolved.sort((a, b) => (b.resolvedAt ?? '').localeCompare(a.resolvedAt ?? '')).slice(0, limit),
      }
    },

    /** Waits for pending writes (shutdown, tests). */
    async flush() {
      await Promise.all([...writes.values()])
    },
  }
}

export type AlertEngine = ReturnType<typeof createAlertEngine>
