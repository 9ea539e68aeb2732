import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'

/**
 * `npm run bench [name]`: runs every test/bench/*.bench.ts (or those whose name contains `name`)
 * one after another in its own process, so one benchmark's memory never skews the next.
 * Each prints its figures and the baseline measured in the same run; BENCHMARKS.md records them.
 */
const filter = process.argv[2] ?? ''
const files = readdirSync(import.meta.dirname)
  .filter((f) => f.endsWith('.bench.ts') && f.includes(filter))
  .sort()
if (files.length === 0) {
  console.error(`no benchmark matches '${filter}'`)
  process.exit(1)
}
let failed = 0
for (const file of files) {
  console.log(`\n=== ${file} ===`)
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', join(import.meta.dirname, file)], {
    stdio: 'inherit',
  })
  if (result.status !== 0) failed++
}
process.exit(failed ? 1 : 0)
