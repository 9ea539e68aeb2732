/**
 * Whether two JSON-like values (plain objects, arrays, primitives) have the same content.
 * Reads answered from the agent's state use it to hand out the previous object when a freshly
 * built one says the same, so its serialised text can be reused (src/cached-json.ts).
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (Array.isArray(a) !== Array.isArray(b)) return false
  const x = a as Record<string, unknown>
  const y = b as Record<string, unknown>
  const keys = Object.keys(x)
  if (keys.length !== Object.keys(y).length) return false
  for (const key of keys) if (!Object.hasOwn(y, key) || !sameJson(x[key], y[key])) return false
  return true
}
