import { useState } from '../hooks'
import { ApiError, errorText, fieldPath } from '../api'

export interface Thresholds {
  cpu: { warning: number; critical: number; warningClear: number; criticalClear: number }
  memory: { warning: number; critical: number; warningClear: number; criticalClear: number }
  restarts: { count: number; windowMs: number }
  consecutiveSamples: number
}
type Level = { warning?: number; critical?: number; warningClear?: number; criticalClear?: number }
type Patch = {
  cpu?: Level
  memory?: Level
  restarts?: { count?: number }
  consecutiveSamples?: number
}

// The clear levels are here too: the API requires each below its level, so lowering a level
// without them could not be saved from this form at all.
const FIELDS = [
  ['cpu.warning', 'CPU warning at (%)'],
  ['cpu.warningClear', 'CPU warning clears below (%)'],
  ['cpu.critical', 'CPU critical at (%)'],
  ['cpu.criticalClear', 'CPU critical clears below (%)'],
  ['memory.warning', 'Memory warning at (%)'],
  ['memory.warningClear', 'Memory warning clears below (%)'],
  ['memory.critical', 'Memory critical at (%)'],
  ['memory.criticalClear', 'Memory critical clears below (%)'],
  ['restarts.count', 'Restarts within the window'],
  ['consecutiveSamples', 'Breaching samples before an alert fires'],
] as const

// biome-ignore lint/suspicious/noExplicitAny: walks the nested thresholds object by a dotted key
const read = (t: Thresholds, key: string): number => key.split('.').reduce((o: any, k) => o?.[k], t)

/** Edits the thresholds that decide when alerts fire; errors show beside the field that caused them. */
export function ThresholdsForm({
  idPrefix,
  effective,
  onSave,
  onReset,
  resetLabel,
}: {
  idPrefix: string
  effective: Thresholds
  onSave: (patch: Patch) => Promise<void>
  onReset?: () => Promise<void>
  resetLabel?: string
}) {
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [message, setMessage] = useState<string | null>(null)
  const submit = async (e: Event) => {
    e.preventDefault()
    const form = e.target as HTMLFormElement
    // biome-ignore lint/suspicious/noExplicitAny: a patch of the nested thresholds object, built key by key
    const patch: any = {}
    for (const [key] of FIELDS) {
      const value = Number((form.elements.namedItem(key) as HTMLInputElement).value)
      if (value === read(effective, key)) continue
      const [a, b] = key.split('.')
      if (b) patch[a!] = { ...patch[a!], [b]: value }
      else patch[a!] = value
    }
    setErrors({})
    setMessage(null)
    try {
      await onSave(patch)
      setMessage('Saved.')
    } catch (err) {
      if (err instanceof ApiError && err.details.length) {
        const byField: Record<string, string> = {}
        for (const d of err.details) byField[fieldPath(d).join('.')] = d.message
        setErrors(byField)
      }
      setMessage(errorText(err))
    }
  }
  return (
    <form onSubmit={submit} class="card" noValidate>
      <div class="grid">
        {FIELDS.map(([key, label]) => (
          <div>
            <label for={`${idPrefix}-${key}`}>{label}</label>
            <input
              id={`${idPrefix}-${key}`}
              name={key}
              type="number"
              min={0}
              step="any"
              value={String(read(effective, key))}
              aria-invalid={errors[key] ? 'true' : undefined}
              aria-describedby={`${idPrefix}-${key}-error`}
            />
            <div id={`${idPrefix}-${key}-error`}>
              {errors[key] ? <p class="error field-issue">{errors[key]}</p> : null}
            </div>
          </div>
        ))}
      </div>
      <div class="actions">
        <button type="submit">Save thresholds</button>
        {onReset ? (
          <button
            type="button"
            class="secondary"
            onClick={() =>
              onReset().then(
                () => setMessage('Following the global thresholds.'),
                (err) => setMessage(errorText(err)),
              )
            }
          >
            {resetLabel ?? 'Reset'}
          </button>
        ) : null}
        <span role="status" class="small">
          {message}
        </span>
      </div>
    </form>
  )
}
