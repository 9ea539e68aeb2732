import type { AlertRule, AlertSeverity, AlertThresholds, HealthStatus } from '../../schemas/monitoring'

/** What one tick observed about one service, in the terms the rules need. */
export interface RuleInput {
  /** False while Docker does not answer: only `unreachable` may change then; the rest is stale. */
  observable: boolean
  status: HealthStatus
  running: boolean
  /** CPU % of the container's limit; null when there is no sample yet. */
  cpu: number | null
  memory: number | null
  /** Restart-count increase within the restart window. */
  restartIncrease: number
  /** Died on its own (no `docker stop`) and is still not running; null while that is not yet known. */
  crashed: boolean | null
}

/** One rule's reading: does it breach, may a firing alert clear, and the numbers to show. */
export interface Verdict {
  breach: boolean
  clear: boolean
  value: number | null
  threshold: number | null
  message: string
}

export const RULE_SEVERITY: Record<AlertRule, AlertSeverity> = {
  cpu_warning: 'warning',
  cpu_critical: 'critical',
  memory_warning: 'warning',
  memory_critical: 'critical',
  container_down: 'critical',
  unreachable: 'critical',
  restarts: 'warning',
  unhealthy: 'critical',
  backup_missing: 'warning',
}

/** Rules evaluated on samples; `backup_missing` comes from outside (alerts.setCondition). */
export const SAMPLED_RULES = [
  'cpu_warning',
  'cpu_critical',
  'memory_warning',
  'memory_critical',
  'container_down',
  'unreachable',
  'restarts',
  'unhealthy',
] as const
export type SampledRule = (typeof SAMPLED_RULES)[number]

/** While the critical alert of a metric fires, reminders of its warning are redundant. */
export const INHIBITED_BY: Partial<Record<AlertRule, AlertRule>> = {
  cpu_warning: 'cpu_critical',
  memory_warning: 'memory_critical',
}

function percentRule(
  label: string,
  value: number | null,
  running: boolean,
  fire: number,
  clear: number,
  level: string,
): Verdict | null {
  // A stopped container uses nothing: its CPU/memory alerts clear. Running without a sample yet: no opinion.
  const v = running ? value : 0
  if (v === null) return null
  return {
    breach: v > fire,
    clear: v < clear,
    value: v,
    threshold: fire,
    message: `${label} at ${v.toFixed(1)}% of its limit (${level} above ${fire}%)`,
  }
}

/** Reads one rule; null means "no opinion this tick" (the state stays as it is). */
export function evaluateRule(rule: SampledRule, input: RuleInput, t: AlertThresholds): Verdict | null {
  if (!input.observable && rule !== 'unreachable') return null
  switch (rule) {
    case 'cpu_warning':
      return percentRule('CPU', input.cpu, input.running, t.cpu.warning, t.cpu.warningClear, 'warning')
    case 'cpu_critical':
      return percentRule('CPU', input.cpu, input.running, t.cpu.critical, t.cpu.criticalClear, 'critical')
    case 'memory_warning':
      return percentRule('Memory', input.memory, input.running, t.memory.warning, t.memory.warningClear, 'warning')
    case 'memory_critical':
      return percentRule('Memory', input.memory, input.running, t.memory.critical, t.memory.criticalClear, 'critical')
    case 'container_down':
      if (input.running || input.status === 'restarting' || input.status === 'paused') {
        return { breach: false, clear: true, value: null, threshold: null, message: 'Container is running again' }
      }
      if (input.crashed === null) return null
      return {
        breach: input.crashed,
        clear: !input.crashed,
        value: null,
        threshold: null,
        message: 'Container stopped unexpectedly (it was not stopped by a user)',
      }
    case 'unreachable': {
      const breach = input.status === 'unreachable'
      return {
        breach,
        clear: !breach,
        value: null,
        threshold: null,
        message: 'The agent cannot read this service (Docker or its stats do not answer)',
      }
    }
    case 'unhealthy': {
      const breach = input.status === 'unhealthy'
      return {
        breach,
        clear: !breach,
        value: null,
        threshold: null,
        message: "Docker's healthcheck reports the service unhealthy",
      }
    }
    case 'restarts': {
      const breach = input.restartIncrease >= t.restarts.count
      const minutes = Math.round(t.restarts.windowMs / 60_000)
      return {
        breach,
        clear: !breach,
        value: input.restartIncrease,
        threshold: t.restarts.count,
        message: `Restarted ${input.restartIncrease} times in the last ${minutes} min (alert at ${t.restarts.count})`,
      }
    }
  }
}
