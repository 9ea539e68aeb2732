import type Docker from 'dockerode'

/**
 * Docker's own "Up 5 minutes" / "Exited (0) 2 hours ago" text (moby's State.String with
 * go-units' HumanDuration), computed from a cached inspect at read time: a cached list row's
 * text would say "Up 2 seconds" forever.
 */
export function statusText(state: Docker.ContainerInspectInfo['State'], now: number): string {
  const since = (t: string) => humanDuration(now - Date.parse(t))
  const zero = (t: string | undefined) => !t || t.startsWith('0001')
  if (state.Running) {
    if (state.Paused) return `Up ${since(state.StartedAt)} (Paused)`
    if (state.Restarting) return `Restarting (${state.ExitCode}) ${since(state.FinishedAt)} ago`
    const health = state.Health?.Status
    if (health && health !== 'none')
      return `Up ${since(state.StartedAt)} (${health === 'starting' ? 'health: starting' : health})`
    return `Up ${since(state.StartedAt)}`
  }
  if (state.Status === 'removing') return 'Removal In Progress'
  if (state.Dead) return 'Dead'
  if (zero(state.StartedAt)) return 'Created'
  if (zero(state.FinishedAt)) return ''
  return `Exited (${state.ExitCode}) ${since(state.FinishedAt)} ago`
}

export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000)
  if (seconds < 1) return 'Less than a second'
  if (seconds === 1) return '1 second'
  if (seconds < 60) return `${seconds} seconds`
  const minutes = Math.floor(seconds / 60)
  if (minutes === 1) return 'About a minute'
  if (minutes < 60) return `${minutes} minutes`
  const hours = Math.floor(ms / 3_600_000 + 0.5)
  if (hours === 1) return 'About an hour'
  if (hours < 48) return `${hours} hours`
  if (hours < 24 * 7 * 2) return `${Math.floor(hours / 24)} days`
  if (hours < 24 * 30 * 2) return `${Math.floor(hours / 24 / 7)} weeks`
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24 / 30)} months`
  return `${Math.floor(ms / 3_600_000 / 24 / 365)} years`
}
