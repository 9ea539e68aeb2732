#!/usr/bin/env node
// npm test: every suite runs, one after another, even when an earlier one fails, so one red
// suite never hides the others. The suites run in sequence rather than as one vitest run over
// all projects because the integration and API suites share one Docker Engine and two cores;
// running them side by side makes them compete for both. Exits non-zero if any suite failed.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const SUITES = ['unit', 'integration', 'browser', 'api-node', 'api-split', 'api-workers']
const requested = process.argv.slice(2)
const suites = requested.length > 0 ? requested : SUITES
const unknown = suites.filter((s) => !SUITES.includes(s))
if (unknown.length > 0) {
  console.error(`unknown suite ${unknown.join(', ')}; the suites are ${SUITES.join(', ')}`)
  process.exit(2)
}

const reports = mkdtempSync(join(tmpdir(), 'zapie-test-'))
const results = []
for (const suite of suites) {
  const started = Date.now()
  const report = join(reports, `${suite}.json`)
  const run = spawnSync(
    'npx',
    ['vitest', 'run', '--project', suite, '--reporter=default', '--reporter=json', `--outputFile.json=${report}`],
    { stdio: 'inherit' },
  )
  results.push({ suite, code: run.status ?? 1, seconds: (Date.now() - started) / 1000, ...counts(report) })
}
rmSync(reports, { recursive: true, force: true })

console.log('\nsuite         result  passed  failed  skipped  time')
for (const r of results) {
  const result = r.code === 0 ? 'ok' : 'FAILED'
  console.log(
    `${r.suite.padEnd(13)} ${result.padEnd(7)} ${String(r.passed).padStart(6)}  ${String(r.failed).padStart(6)}  ${String(r.skipped).padStart(7)}  ${r.seconds.toFixed(0)} s`,
  )
}
const total = (key) => results.reduce((sum, r) => sum + r[key], 0)
const failedSuites = results.filter((r) => r.code !== 0).map((r) => r.suite)
if (failedSuites.length > 0) console.log(`failed suites: ${failedSuites.join(', ')}`)
console.log(`${total('passed')} passed, ${total('failed')} failed, ${total('skipped')} skipped`)
process.exit(failedSuites.length > 0 ? 1 : 0)

/** Test counts from vitest's JSON report; a suite that crashed before writing one counts as nothing run. */
function counts(report) {
  try {
    const json = JSON.parse(readFileSync(report, 'utf8'))
    return {
      passed: json.numPassedTests,
      failed: json.numFailedTests,
      skipped: json.numPendingTests + json.numTodoTests,
    }
  } catch {
    return { passed: 0, failed: 0, skipped: 0 }
  }
}
