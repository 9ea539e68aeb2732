import type { ValidationIssue } from '../schemas/template'
import { htmlToText } from './html'

/** Characters without which a string cannot carry a tag or an entity. */
const MARKUP = /[<&]/

/**
 * The text fields a client shows (name, description, note, the labels and descriptions of
 * variables, ports and volumes) kept as plain text, the way the Portainer import already keeps
 * them: markup becomes its text, so a template can never be rendered as HTML, whatever a client
 * does with it. Works on the expanded input, before the schema, so length limits apply to the
 * text that is stored. Each field changed is reported as a warning.
 */
export function toPlainText(value: Record<string, unknown>, warnings: ValidationIssue[]): Record<string, unknown> {
  const out: Record<string, unknown> = { ...value }
  const fix = (holder: Record<string, unknown>, key: string, path: string) => {
    const text = holder[key]
    if (typeof text !== 'string' || !MARKUP.test(text)) return
    const plain = htmlToText(text)
    if (plain === text) return
    holder[key] = plain
    warnings.push({ path, code: 'markup_removed', message: `'${path}' is plain text: its HTML markup was removed` })
  }
  for (const key of ['name', 'description', 'note']) fix(out, key, key)
  for (const [list, keys] of [
    ['env', ['label', 'description']],
    ['ports', ['description']],
    ['volumes', ['description']],
  ] as const) {
    const items = out[list]
    if (!Array.isArray(items)) continue
    out[list] = items.map((item, i) => {
      if (!item || typeof item !== 'object' || Array.isArray(item)) return item
      const copy = { ...(item as Record<string, unknown>) }
      for (const key of keys) fix(copy, key, `${list}.${i}.${key}`)
      return copy
    })
  }
  return out
}

/**
 * A logo as a client may put it in `<img src>`: an absolute http(s) URL, in the URL standard's
 * serialisation, where quotes, spaces and angle brackets are percent-encoded
 * (`https://x/"onerror=…` becomes `https://x/%22onerror=…`). Null for anything else.
 */
export function normaliseLogoUrl(logo: string): string | null {
  let url: URL
  try {
    url = new URL(logo.trim())
  } catch {
    return null
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) return null
  return url.href
}
