import { readFileSync } from 'node:fs'
import { join } from 'node:path'

/**
 * The node flags of an npm script (`exec node <flags> dist/….js`), so that a bench runs our
 * bundle exactly as `npm start` / `npm run agent` run it, and cannot drift from package.json.
 */
export function startFlags(script: 'start' | 'agent'): string[] {
  const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8'))
  const words = String(pkg.scripts[script]).split(/\s+/)
  const node = words.indexOf('node')
  if (node < 0) throw new Error(`package.json script ${script} does not run node`)
  return words.slice(node + 1).filter((word) => word.startsWith('--'))
}
