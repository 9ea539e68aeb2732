import type { Child } from 'hono/jsx'

/** Small shared pieces: every message is text, never markup. */
export const ErrorNote = ({ error }: { error: string | null | undefined }) =>
  error ? (
    <p class="error" role="alert">
      {error}
    </p>
  ) : null

export const Loading = ({ what }: { what: string }) => (
  <p class="muted" role="status">
    Loading {what}…
  </p>
)

export const Empty = ({ children }: { children: Child }) => <div class="empty">{children}</div>

export const StatusBadge = ({ state }: { state: string }) => (
  <span class={`badge badge-${badgeClass(state)}`}>{state}</span>
)

function badgeClass(state: string) {
  if (['running', 'up', 'healthy', 'completed', 'resolved', 'ok'].includes(state)) return 'ok'
  if (['exited', 'dead', 'down', 'unhealthy', 'failed', 'critical', 'firing', 'unreachable'].includes(state))
    return 'bad'
  return 'warn'
}

export const Progress = ({ value, label }: { value: number | null; label: string }) => (
  <div
    class="progress"
    role="progressbar"
    aria-label={label}
    aria-valuemin={0}
    aria-valuemax={100}
    aria-valuenow={value ?? undefined}
  >
    <div
      class={value === null ? 'bar indeterminate' : 'bar'}
      style={value === null ? undefined : { width: `${value}%` }}
    />
  </div>
)
