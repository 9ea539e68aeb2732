import { useEffect } from 'hono/jsx/dom'
import { useState } from './hooks'
import { errorText, onUnauthorized } from './api'
import { Toasts } from './components/toasts'
import { connectLive, disconnectLive, onLiveStatus, type LiveStatus } from './live'
import { AlertsPage } from './pages/alerts'
import { BackupsPage } from './pages/backups'
import { DeployPage } from './pages/deploy'
import { OverviewPage } from './pages/overview'
import { ServicePage } from './pages/service'
import { SystemPage } from './pages/system'
import { TemplatesPage } from './pages/templates'
import { SignIn } from './pages/sign-in'
import { href, useRoute } from './router'
import { currentSession, signOut } from './session'

type Phase =
  | { kind: 'checking' }
  | { kind: 'signed-out'; reason?: string }
  | { kind: 'unreachable'; error: string }
  | { kind: 'signed-in' }

const NAV = [
  ['', 'Services'],
  ['deploy', 'Deploy'],
  ['backups', 'Backups'],
  ['templates', 'Templates'],
  ['alerts', 'Alerts'],
  ['system', 'System'],
] as const

export function App() {
  const [phase, setPhase] = useState<Phase>({ kind: 'checking' })
  const check = () => {
    setPhase({ kind: 'checking' })
    currentSession().then(
      (s) => setPhase(s ? { kind: 'signed-in' } : { kind: 'signed-out' }),
      (err) => setPhase({ kind: 'unreachable', error: errorText(err) }),
    )
  }
  useEffect(() => {
    check()
    onUnauthorized(() => {
      disconnectLive()
      setPhase({ kind: 'signed-out', reason: 'Your session has ended. Sign in again.' })
    })
  }, [])
  useEffect(() => {
    if (phase.kind === 'signed-in') connectLive()
  }, [phase.kind])

  if (phase.kind === 'checking')
    return (
      <p class="boot" role="status">
        Connecting…
      </p>
    )
  if (phase.kind === 'unreachable') {
    return (
      <main class="center-card" aria-labelledby="unreachable-title">
        <h1 id="unreachable-title">Cannot reach ZapieRakyat</h1>
        <p class="error" role="alert">
          {phase.error}
        </p>
        <button type="button" onClick={check}>
          Try again
        </button>
      </main>
    )
  }
  if (phase.kind === 'signed-out')
    return <SignIn reason={phase.reason} onSignedIn={() => setPhase({ kind: 'signed-in' })} />
  return (
    <Shell
      onSignOut={async () => {
        disconnectLive()
        await signOut().catch(() => undefined)
        setPhase({ kind: 'signed-out', reason: 'You are signed out.' })
      }}
    />
  )
}

function Shell({ onSignOut }: { onSignOut: () => void }) {
  const route = useRoute()
  const [live, setLive] = useState<LiveStatus>('connecting')
  useEffect(() => onLiveStatus(setLive), [])
  const section = route[0] ?? ''
  return (
    <div class="shell">
      <header class="topbar">
        <a class="brand" href="#/">
          ZapieRakyat
        </a>
        <nav aria-label="Main">
          <ul>
            {NAV.map(([path, label]) => (
              <li>
                <a
                  href={href(path)}
                  aria-current={section === path || (path === '' && section === 'services') ? 'page' : undefined}
                >
                  {label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <span class={`live live-${live}`} role="status" aria-label={`Live updates: ${live}`} data-testid="live-status">
          {live === 'live' ? 'Live' : live === 'closed' ? 'Offline' : 'Connecting'}
        </span>
        <button type="button" class="secondary" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      <main id="main">
        <Page route={route} />
      </main>
      <Toasts />
    </div>
  )
}

function Page({ route }: { route: string[] }) {
  const [section, id] = route
  // Keyed: another service is a fresh page, so the answers the last one still awaits cannot land in it.
  if (section === 'services' && id) return <ServicePage key={id} serviceId={id} />
  if (section === 'backups') return <BackupsPage />
  if (section === 'alerts') return <AlertsPage />
  if (section === 'system') return <SystemPage />
  if (section === 'templates') return <TemplatesPage />
  if (section === 'deploy') return <DeployPage templateId={id} />
  return <OverviewPage />
}
