import { execFileSync, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { cleanupTestResources, run } from '../helpers/docker'
import { autocannon, createBenchServices, type OurServer, pinning, readRoutes, startOurServer } from './api-servers'
import { median } from './median'

/**
 * `BENCH_COMPARE_ROOT=<another checkout, built> npm run bench api-cpu-ab`: CPU time per request
 * of this checkout's bundle against another's (e.g. main before a change), both running at the
 * same moments. On this machine a server's speed drifts by a third within minutes, so two
 * servers measured one after the other differ by more than most changes do; run side by side,
 * pinned to the same core and each loaded by its own autocannon (-c 50, on the other core), both
 * see the same drift. The figure is the server's user + system CPU over the load divided by the
 * requests it answered. Same routes and set-up as api-throughput (20 labelled busybox services on
 * the real engine, auth, rate limit never reached, LOG_LEVEL=info to a file). BENCH_ROUNDS (6)
 * rounds, each with a fresh pair of servers, of BENCH_SECONDS (4) per route; medians, with each
 * round's ratio.
 */
const compareRoot = process.env.BENCH_COMPARE_ROOT
if (!compareRoot) {
  console.log('api-cpu-ab: set BENCH_COMPARE_ROOT to a checkout to compare with (built: dist/node.js); skipped')
  process.exit(0)
}
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6)
const root = join(import.meta.dirname, '..', '..')
const dir = mkdtempSync(join(tmpdir(), 'zapie-bench-ab-'))
const TICK_US = 1_000_000 / Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim())

/** User + system CPU of a process so far, in µs (/proc/<pid>/stat, fields 14 and 15). */
function cpuUs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  return (Number(fields[11]) + Number(fields[12])) * TICK_US
}

/** Requests answered (2xx) by one autocannon run on core 1. */
async function load(url: string, seconds: number): Promise<number> {
  const cmd = autocannon(url, seconds)
  const { stdout } = await run(cmd[0]!, cmd.slice(1), { maxBuffer: 64 * 1024 * 1024 })
  const r = JSON.parse(stdout)
  if (r.non2xx || r.errors) throw new Error(`${url}: ${r.non2xx} non-2xx, ${r.errors} errors`)
  return r.requests.total as number
}

/** Stops a round's servers and waits until they are gone, so the next round starts alone. */
async function stopAll(children: ChildProcess[]) {
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve()
          child.once('exit', () => resolve())
          child.kill('SIGTERM')
        }),
    ),
  )
}

try {
  if (!existsSync(join(compareRoot, 'dist/node.js'))) throw new Error(`${compareRoot}/dist/node.js: build it first`)
  spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' })
  const names = await createBenchServices(20)
  const routes = readRoutes(names[0]!)
  const before = loadavg()[0]!
  console.log(
    `machine: ${cpus().length} cores (${cpus()[0]?.model}), Node ${process.version}; this checkout against ${compareRoot}, side by side on one core (taskset ${pinning()}), ${ROUNDS} rounds of ${SECONDS} s per route, a fresh pair of servers each round`,
  )
  const perRoute = routes.map(() => [] as { this: number; compared: number }[])
  for (let i = 0; i < ROUNDS; i++) {
    // A fresh pair per round, started in turn first: a process can keep a speed of its own for
    // its whole life, a few percent off another of the same build (with --v8-pool-size=0 up to a
    // third: BENCHMARKS.md), so one pair for the whole run measured that pair, not the builds.
    const order = i % 2 === 0 ? (['this', 'compared'] as const) : (['compared', 'this'] as const)
    const children: ChildProcess[] = []
    try {
      const started: Partial<Record<'this' | 'compared', OurServer>> = {}
      for (const name of order) {
        const data = join(dir, `${name}-${i}`)
        mkdirSync(data)
        started[name] = await startOurServer(name === 'this' ? root : compareRoot, data, children)
      }
      const servers = started as Record<'this' | 'compared', OurServer>
      for (const [r, route] of routes.entries()) {
        await Promise.all(Object.values(servers).map((s) => load(s.url + route, 1))) // warm-up
        const start = { this: cpuUs(servers.this.child.pid!), compared: cpuUs(servers.compared.child.pid!) }
        const [a, b] = await Promise.all([
          load(servers.this.url + route, SECONDS),
          load(servers.compared.url + route, SECONDS),
        ])
        perRoute[r]!.push({
          this: (cpuUs(servers.this.child.pid!) - start.this) / a,
          compared: (cpuUs(servers.compared.child.pid!) - start.compared) / b,
        })
      }
    } finally {
      await stopAll(children)
    }
  }
  console.log('| route | this: CPU µs / request | compared | this / compared | rounds |')
  console.log('|---|---|---|---|---|')
  for (const [r, route] of routes.entries()) {
    const rounds = perRoute[r]!
    const ratios = rounds.map((x) => x.this / x.compared)
    console.log(
      `| \`GET ${route}\` | ${median(rounds.map((x) => x.this)).toFixed(1)} | ${median(rounds.map((x) => x.compared)).toFixed(1)} | ${median(ratios).toFixed(2)} | ${ratios.map((x) => x.toFixed(2)).join(', ')} |`,
    )
  }
  console.log(`load average (1 min) before: ${before.toFixed(2)}, after: ${loadavg()[0]!.toFixed(2)}`)
} finally {
  await cleanupTestResources()
  rmSync(dir, { recursive: true, force: true })
}
