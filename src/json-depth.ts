import { AppError } from './errors'

/**
 * How deep a JSON request body may nest. The deepest document this API takes — a Portainer
 * templates file: file → templates → template → env → select → option — needs 6; recursive
 * walks over parsed bodies (validation, unknown-field checks, cloning) overflow the stack on
 * documents nested tens of thousands deep, which a 250 KB body can be.
 */
export const MAX_JSON_DEPTH = 64

/**
 * The nesting depth of JSON text, or of its deepest part before `limit` is passed (then the
 * answer is `limit + 1`). One pass over the characters, no parse and no recursion, so it is safe
 * to run before JSON.parse on any text; strings are skipped, escapes included.
 */
export function jsonDepth(text: string, limit = MAX_JSON_DEPTH): number {
  let depth = 0
  let deepest = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i)
    if (inString) {
      if (ch === 0x5c)
        i++ // backslash: the next character is escaped
      else if (ch === 0x22) inString = false
      continue
    }
    if (ch === 0x22) inString = true
    else if (ch === 0x7b || ch === 0x5b) {
      if (++depth > deepest) deepest = depth
      if (deepest > limit) return deepest
    } else if (ch === 0x7d || ch === 0x5d) depth--
  }
  return deepest
}

/** 400 in the usual envelope when `text` nests deeper than MAX_JSON_DEPTH. */
export function assertJsonDepth(text: string, what = 'The request body'): void {
  if (jsonDepth(text) <= MAX_JSON_DEPTH) return
  const message = `${what} nests arrays or objects more than ${MAX_JSON_DEPTH} levels deep`
  throw new AppError(400, 'invalid_input', message, [{ path: 'body', code: 'too_deep', message }])
}
