import type { AlertRecord } from '../../schemas/monitoring'
import type { Verdict } from './alert-rules'

/**
 * The life of one (service, rule) pair: `ok` → `pending` while breaching samples accumulate →
 * `firing` after N in a row → back to `ok` only when the value falls below the clear level
 * (hysteresis), so a value hovering around the threshold fires once and resolves once.
 */
export interface RuleState {
  phase: 'ok' | 'pending' | 'firing'
  breaches: number
  alert: AlertRecord | null
}

export type Transition = { kind: 'fire' | 'resolve'; alert: AlertRecord } | null

export const initialState = (): RuleState => ({ phase: 'ok', breaches: 0, alert: null })

export interface StepOptions {
  samplesToFire: number
  now: number
  /** Builds the alert record when the rule fires. */
  open: (verdict: Verdict) => AlertRecord
}

export function step(state: RuleState, verdict: Verdict | null, options: StepOptions): Transition {
  if (!verdict) return null
  if (state.phase === 'firing') {
    const alert = state.alert!
    if (!verdict.clear) {
      // Still firing: keep the latest reading for the alert list, without notifying anyone.
      state.alert = { ...alert, value: verdict.value ?? alert.value }
      return null
    }
    return resolve(state, options.now, verdict.message)
  }
  if (!verdict.breach) {
    state.phase = 'ok'
    state.breaches = 0
    return null
  }
  state.breaches += 1
  if (state.breaches < options.samplesToFire) {
    state.phase = 'pending'
    return null
  }
  state.phase = 'firing'
  state.alert = options.open(verdict)
  return { kind: 'fire', alert: state.alert }
}

/** Ends a firing alert (its condition cleared, the rule was disabled, the service went away). */
export function resolve(state: RuleState, now: number, message?: string): Transition {
  if (state.phase !== 'firing' || !state.alert) {
    state.phase = 'ok'
    state.breaches = 0
    return null
  }
  const iso = new Date(now).toISOString()
  const alert: AlertRecord = {
    ...state.alert,
    state: 'resolved',
    resolvedAt: iso,
    lastNotifiedAt: iso,
    notifications: state.alert.notifications + 1,
    ...(message ? { message } : {}),
  }
  state.phase = 'ok'
  state.breaches = 0
  state.alert = null
  return { kind: 'resolve', alert }
}

/** A firing alert is repeated every `reminderMs` until it resolves; returns it when one is due. */
export function remindIfDue(state: RuleState, now: number, reminderMs: number): AlertRecord | null {
  if (state.phase !== 'firing' || !state.alert) return null
  if (now - Date.parse(state.alert.lastNotifiedAt) < reminderMs) return null
  state.alert = {
    ...state.alert,
    lastNotifiedAt: new Date(now).toISOString(),
    notifications: state.alert.notifications + 1,
  }
  return state.alert
}
