/** Names that look like secrets (ARCHITECTURE §4). */
const SECRET_NAME = /(PASS|SECRET|TOKEN|KEY|CREDENTIAL|AUTH|PRIVATE|SALT|COOKIE|SESSION)/i

export const REDACTED = '********'

export function isSecretName(name: string, declaredSecrets: ReadonlySet<string> = new Set()): boolean {
  return declaredSecrets.has(name) || SECRET_NAME.test(name)
}

/** Turns Docker's `NAME=value` list into a map with secret values replaced. */
export function redactEnv(env: readonly string[], declaredSecrets: ReadonlySet<string> = new Set()) {
  const out: Record<string, string> = {}
  for (const entry of env) {
    const eq = entry.indexOf('=')
    const name = eq === -1 ? entry : entry.slice(0, eq)
    const value = eq === -1 ? '' : entry.slice(eq + 1)
    out[name] = isSecretName(name, declaredSecrets) && value !== '' ? REDACTED : value
  }
  return out
}
