/**
 * Names that look like secrets (ARCHITECTURE §4). `PWD`, `PASS` and `DSN` are the usual short
 * forms (`SMTP_PWD`, `MYSQL_ROOT_PWD`, `SENTRY_DSN`); a connection string carries a password.
 */
const SECRET_NAME =
  /(PASS|PWD|SECRET|TOKEN|KEY|CREDENTIAL|AUTH|PRIVATE|SALT|COOKIE|SESSION|DSN|CONN_?STR|CONNECTION_?STRING)/i

export const REDACTED = '********'

/** Shorter secrets are not searched for inside other text: "abc" would shred every log line. */
const MIN_SEARCHED_SECRET = 4

/**
 * `scheme://user:password@host`: the userinfo of a URL anywhere in a text. It runs to the last
 * `@` before the host's path, so a password with an unescaped `@` is still covered; quotes end
 * it so a URL inside a JSON string cannot swallow the next field.
 */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#"'<>]*)@/gi

/** `password=…` in libpq DSNs, ODBC/ADO strings (`Pwd=…;`), query strings and command lines. */
const KEYWORD_PAIR =
  /((?:^|[^A-Za-z0-9])[A-Za-z0-9_.-]*(?:password|passwd|pwd|pass|secret|token|api[_-]?key)\s*=\s*)("[^"]*"|'[^']*'|[^\s;&,'"]+)/gi

export function isSecretName(name: string, declaredSecrets: ReadonlySet<string> = new Set()): boolean {
  return declaredSecrets.has(name) || SECRET_NAME.test(name)
}

/** What a URL's userinfo hides: the password of `user:password`, or a lone token in the user part. */
function hiddenUserinfo(userinfo: string): string | null {
  if (userinfo === '') return null
  const colon = userinfo.indexOf(':')
  return colon === -1 ? userinfo : userinfo.slice(colon + 1) || null
}

/** The secrets a text carries in URL userinfo or `password=` pairs, to be hidden wherever else they appear. */
function embeddedSecrets(text: string): string[] {
  const found: string[] = []
  for (const m of text.matchAll(URL_USERINFO)) {
    const hidden = hiddenUserinfo(m[2]!)
    if (hidden) found.push(hidden)
  }
  for (const m of text.matchAll(KEYWORD_PAIR)) {
    const value = m[2]!.replace(/^["']|["']$/g, '')
    if (value) found.push(value)
  }
  return found
}

/** True when a text carries a credential of its own: a URL password or a `password=` pair. */
export function carriesCredential(text: string): boolean {
  return embeddedSecrets(text).length > 0
}

/**
 * A name that merely looks secret (`N8N_BASIC_AUTH_ACTIVE`, `TLS_KEY_PATH`) often holds a switch
 * or a number: its value is hidden, but hunting for `true` in every other value would hide them all.
 */
function looksLikeSecretValue(value: string): boolean {
  return value.length >= 6 && !/^(true|false|yes|no|on|off|enabled|disabled|none|null|\d+)$/i.test(value)
}

/**
 * Every secret value of an environment: the values of secret-named or declared-secret variables
 * and the passwords inside any value. Longest first, so a secret that contains another one is
 * replaced whole.
 */
export function secretValuesOf(
  env: readonly { name: string; value: string }[],
  declaredSecrets: ReadonlySet<string> = new Set(),
): string[] {
  const values = new Set<string>()
  for (const { name, value } of env) {
    if (value === '') continue
    if (declaredSecrets.has(name) || (SECRET_NAME.test(name) && looksLikeSecretValue(value))) values.add(value)
    for (const s of embeddedSecrets(value)) values.add(s)
  }
  return [...values].sort((a, b) => b.length - a.length)
}

/**
 * Hides secrets in any text that leaves the system (a value, a message, a log line): the given
 * secret values wherever they appear, URL userinfo and `password=` pairs.
 */
export function redactText(text: string, secrets: readonly string[] = []): string {
  let out = text
  for (const secret of secrets) {
    if (secret.length >= MIN_SEARCHED_SECRET && out.includes(secret)) out = out.split(secret).join(REDACTED)
  }
  // Userinfo needs an '@', a password pair an '=': most text (every request log line) has neither.
  if (!out.includes('@') && !out.includes('=')) return out
  out = out.replace(URL_USERINFO, (_, scheme: string, userinfo: string) => {
    if (userinfo === '' || userinfo === REDACTED) return `${scheme}${userinfo}@`
    const colon = userinfo.indexOf(':')
    return colon === -1 ? `${scheme}${REDACTED}@` : `${scheme}${userinfo.slice(0, colon)}:${REDACTED}@`
  })
  return out.replace(KEYWORD_PAIR, (_, key: string) => `${key}${REDACTED}`)
}

export function parseEnv(env: readonly string[]): { name: string; value: string }[] {
  return env.map((entry) => {
    const eq = entry.indexOf('=')
    return eq === -1 ? { name: entry, value: '' } : { name: entry.slice(0, eq), value: entry.slice(eq + 1) }
  })
}

/**
 * Turns Docker's `NAME=value` list into a map with secrets hidden: secret-named variables whole;
 * in every other value the passwords of URLs and `password=` pairs, and any text equal to or
 * containing the value of a secret variable (a generated password reused in a DATABASE_URL).
 */
export function redactEnv(env: readonly string[], declaredSecrets: ReadonlySet<string> = new Set()) {
  const entries = parseEnv(env)
  const secrets = secretValuesOf(entries, declaredSecrets)
  const exact = new Set(secrets)
  const out: Record<string, string> = {}
  for (const { name, value } of entries) {
    if (value === '') out[name] = value
    else if (isSecretName(name, declaredSecrets) || exact.has(value)) out[name] = REDACTED
    else out[name] = redactText(value, secrets)
  }
  return out
}

/** Option and label names whose value is a secret: `--password x`, `…basicauth.users=…`. */
const SECRET_OPTION = /(password|passwd|pwd|secret|token|api[_-]?key|basicauth|credential)/i

/** A command line with secrets hidden: in each argument, and the argument after `--password`. */
export function redactArgs(args: readonly string[], secrets: readonly string[] = []): string[] {
  return args.map((arg, i) => {
    const previous = args[i - 1]
    if (previous !== undefined && /^--?[A-Za-z0-9_.-]+$/.test(previous) && SECRET_OPTION.test(previous)) return REDACTED
    return redactText(arg, secrets)
  })
}

/** Container labels with secrets hidden; our own `zapie.*` labels hold names, never values. */
export function redactLabels(labels: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(labels).map(([k, v]) => [
      k,
      !k.startsWith('zapie.') && SECRET_OPTION.test(k) && v !== '' ? REDACTED : redactText(v),
    ]),
  )
}
