import { useState } from '../hooks'
import { ApiError, errorText } from '../api'
import { signIn } from '../session'

/** Exchanges the API token for a session cookie; the token itself is never stored by the page. */
export function SignIn({ reason, onSignedIn }: { reason?: string; onSignedIn: () => void }) {
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const submit = async (e: Event) => {
    e.preventDefault()
    const form = e.target as HTMLFormElement
    const token = (form.elements.namedItem('token') as HTMLInputElement).value.trim()
    if (!token) return setError('Enter the API token.')
    setBusy(true)
    setError(null)
    try {
      await signIn(token)
      form.reset()
      onSignedIn()
    } catch (err) {
      setError(
        err instanceof ApiError && err.status === 401
          ? 'That token is not valid. Check ZAPIE_API_TOKEN or the token printed at first start.'
          : errorText(err),
      )
    } finally {
      setBusy(false)
    }
  }
  return (
    <main class="center-card" aria-labelledby="signin-title">
      <h1 id="signin-title">Sign in to ZapieRakyat</h1>
      {reason ? <p class="muted">{reason}</p> : null}
      <form onSubmit={submit} noValidate>
        <label for="token">API token</label>
        <input
          id="token"
          name="token"
          type="password"
          autocomplete="current-password"
          required
          aria-describedby="signin-error"
          aria-invalid={error ? 'true' : undefined}
        />
        <div id="signin-error">
          {error ? (
            <p class="error" role="alert">
              {error}
            </p>
          ) : null}
        </div>
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  )
}
