import { isSafeId, type AlertSettingsStore } from '../../../storage'
import { badRequest, type ErrorDetail } from '../../errors'
import type { Logger } from '../../logger'
import type { AlertThresholds, AlertThresholdsOverride } from '../../schemas/monitoring'

/** The original system's levels, made quiet: hysteresis on clear, 3 samples to fire, a reminder every 30 min. */
export const DEFAULT_THRESHOLDS: AlertThresholds = {
  cpu: { warning: 80, critical: 95, warningClear: 75, criticalClear: 90 },
  memory: { warning: 80, critical: 95, warningClear: 75, criticalClear: 90 },
  restarts: { count: 3, windowMs: 15 * 60_000 },
  consecutiveSamples: 3,
  reminderMs: 30 * 60_000,
  disabledRules: [],
}

/** Overrides laid over a base, nested levels field by field. */
export function mergeThresholds(base: AlertThresholds, o: AlertThresholdsOverride | undefined): AlertThresholds {
  if (!o) return base
  return {
    cpu: { ...base.cpu, ...o.cpu },
    memory: { ...base.memory, ...o.memory },
    restarts: { ...base.restarts, ...o.restarts },
    consecutiveSamples: o.consecutiveSamples ?? base.consecutiveSamples,
    reminderMs: o.reminderMs ?? base.reminderMs,
    disabledRules: o.disabledRules ?? base.disabledRules,
  }
}

/** Hysteresis only works when an alert clears below where it fired. */
export function checkThresholds(t: AlertThresholds): ErrorDetail[] {
  const problems: ErrorDetail[] = []
  for (const metric of ['cpu', 'memory'] as const) {
    const l = t[metric]
    if (l.warningClear >= l.warning)
      problems.push({
        path: `${metric}.warningClear`,
        code: 'too_big',
        message: `must be below ${metric}.warning (${l.warning})`,
      })
    if (l.criticalClear >= l.critical)
      problems.push({
        path: `${metric}.criticalClear`,
        code: 'too_big',
        message: `must be below ${metric}.critical (${l.critical})`,
      })
    if (l.warning > l.critical)
      problems.push({
        path: `${metric}.warning`,
        code: 'too_big',
        message: `must not be above ${metric}.critical (${l.critical})`,
      })
  }
  return problems
}

function assertValid(t: AlertThresholds) {
  const problems = checkThresholds(t)
  if (problems.length)
    throw badRequest(`Invalid thresholds: ${problems.map((p) => `${p.path} ${p.message}`).join('; ')}`, problems)
}

/**
 * Global thresholds (with the webhook URL) and per-service overrides, cached in memory and
 * written through to the store. `defaults` are the built-in levels, possibly tuned by the agent's
 * options (tests use a smaller sample count).
 */
export function createThresholds(store: AlertSettingsStore, defaults: AlertThresholds, logger: Logger) {
  let globalOverride: AlertThresholdsOverride = {}
  let webhookUrl: string | null = null
  const services = new Map<string, AlertThresholdsOverride>()

  return {
    async load() {
      try {
        const saved = await store.getGlobal()
        if (saved) {
          globalOverride = saved.thresholds
          webhookUrl = saved.webhookUrl
        }
      } catch (err) {
        logger.error({
          msg: 'alert settings unreadable; using defaults until they are set again',
          error: String((err as Error).message),
        })
      }
      const { records, corrupt } = await store.allServices()
      for (const [id, o] of records) services.set(id, o)
      for (const err of corrupt)
        logger.error({ msg: 'service alert settings unreadable; using the global ones', ...err })
    },

    defaults: () => defaults,
    global: () => mergeThresholds(defaults, globalOverride),
    effective: (serviceId: string) =>
      mergeThresholds(mergeThresholds(defaults, globalOverride), services.get(serviceId)),
    serviceOverride: (serviceId: string): AlertThresholdsOverride => services.get(serviceId) ?? {},
    webhookUrl: () => webhookUrl,

    /** Replaces the global override (a PUT); the result must still be coherent. */
    async setGlobal(override: AlertThresholdsOverride) {
      assertValid(mergeThresholds(defaults, override))
      for (const o of services.values()) assertValid(mergeThresholds(mergeThresholds(defaults, override), o))
      await store.setGlobal({ thresholds: override, webhookUrl })
      globalOverride = override
    },

    async setService(serviceId: string, override: AlertThresholdsOverride) {
      if (!isSafeId(serviceId))
        throw badRequest(`Thresholds cannot be stored for the service id '${serviceId.slice(0, 40)}'`)
      assertValid(mergeThresholds(mergeThresholds(defaults, globalOverride), override))
      if (Object.keys(override).length === 0) await store.removeService(serviceId)
      else await store.setService(serviceId, override)
      if (Object.keys(override).length === 0) services.delete(serviceId)
      else services.set(serviceId, override)
    },

    async setWebhookUrl(url: string | null) {
      await store.setGlobal({ thresholds: globalOverride, webhookUrl: url })
      webhookUrl = url
    },

    async removeService(serviceId: string) {
      if (!services.delete(serviceId)) return
      await store.removeService(serviceId)
    },
  }
}

export type Thresholds = ReturnType<typeof createThresholds>
