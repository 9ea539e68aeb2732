import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { until } from '../helpers/agent-child'
import { cleanupTestResources } from '../helpers/docker'
import {
  autocannon,
  BENCH_TOKEN as TOKEN,
  createBenchServices,
  pinned,
  pinning,
  readRoutes,
  startOurServer,
} from './api-servers'
import { median } from './median'

/**
 * `npm run bench api-throughput`: req/s and p99 of our read routes against a bare node:http
 * server and an Express 5 app serving the very bodies ours answered (captured first), in one run,
 * and against the floor: Hono doing only the target's conditions, each the cheapest way
 * (baseline-server.mjs), which shows how much of the gap to bare the framework and the conditions
 * leave to the rest of ours.
 * Ours is the built bundle (`node dist/node.js` with the node flags of `npm start`, or those of
 * BENCH_FLAGS for an A/B of flags, e.g. BENCH_FLAGS='') with the in-process agent
 * on the real engine and 20 labelled busybox services, with auth, rate limiting (a limit never
 * reached), request ids and LOG_LEVEL=info logging to a file. Server on core 0, autocannon
 * (-c 50) on core 1 when taskset exists. Per route, BENCH_ROUNDS (3) rounds of the four servers
 * in turn, BENCH_SECONDS (4) each; figures are medians (the lower middle for an even count),
 * ratios the median of each round's own.
 * Target per route: ≥ 0.5× bare, ≥ 3× Express, p99 ≤ 2× bare.
 */
const SERVICES = 20
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const root = join(import.meta.dirname, '..', '..')
const dir = mkdtempSync(join(tmpdir(), 'zapie-bench-api-'))
const children: ChildProcess[] = []

function start(cmd: string[], env: Record<string, string>, stdout: number | 'pipe'): ChildProcess {
  const child = spawn(cmd[0]!, cmd.slice(1), {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', stdout, 'inherit'],
  })
  children.push(child)
  return child
}

interface Load {
  rps: number
  p99: number
  non2xx: number
  errors: number
}

function load(url: string, seconds: number): Load {
  const cmd = autocannon(url, seconds)
  const out = execFileSync(cmd[0]!, cmd.slice(1), {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'ignore'],
  })
  const r = JSON.parse(out)
  return { rps: r.requests.average, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors + r.timeouts }
}

try {
  spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' })
  const names = await createBenchServices(SERVICES)
  const uptimeBefore = execFileSync('uptime', { encoding: 'utf8' }).trim()

  // Ours: the bundle, logging at info to a file (an asynchronous destination).
  const { url: ours, logPath } = await startOurServer(root, dir, children)

  const routes = readRoutes(names[0]!)
  const headers = { authorization: `Bearer ${TOKEN}` }
  const bodies: Record<string, string> = {}
  for (const route of routes) {
    const res = await fetch(ours + route, { headers })
    if (res.status !== 200) throw new Error(`${route}: ${res.status} ${await res.text()}`)
    bodies[route.split('?')[0]!] = await res.text()
  }
  const listed = JSON.parse(bodies['/api/services']!).total as number
  const bodiesFile = join(dir, 'bodies.json')
  writeFileSync(bodiesFile, JSON.stringify(bodies))

  const baselines: Record<string, string> = {}
  for (const kind of ['bare', 'express', 'floor']) {
    const child = start(
      pinned(0, [
        process.execPath,
        // The floor uses our own token check and log batch, from source.
        ...(kind === 'floor' ? ['--import', 'tsx'] : []),
        join(import.meta.dirname, 'baseline-server.mjs'),
        kind,
        bodiesFile,
        ...(kind === 'floor' ? [TOKEN, join(dir, 'floor.log')] : []),
      ]),
      {},
      'pipe',
    )
    let first = ''
    child.stdout!.on('data', (d) => (first += d))
    baselines[kind] = `http://127.0.0.1:${await until(`${kind} server`, async () => /^(\d+)\n/.exec(first)?.[1])}`
  }

  const servers = { ours, bare: baselines.bare!, express: baselines.express!, floor: baselines.floor! }
  const rows: string[] = []
  console.log(
    `${listed} services listed (${SERVICES} of this run), ${ROUNDS} rounds of ${SECONDS} s per route per server (medians), -c 50, taskset ${pinning()}`,
  )
  console.log(uptimeBefore)
  for (const route of routes) {
    for (const base of Object.values(servers)) load(base + route, 1) // warm-up, discarded
    // Rounds of the four servers one after the other: this machine's speed drifts within a
    // minute, so each ratio is taken within a round and the median of the rounds reported.
    const rounds = Array.from({ length: ROUNDS }, () => ({
      ours: load(servers.ours + route, SECONDS),
      bare: load(servers.bare + route, SECONDS),
      express: load(servers.express + route, SECONDS),
      floor: load(servers.floor + route, SECONDS),
    }))
    const of = (name: keyof (typeof rounds)[number]) => ({
      rps: median(rounds.map((r) => r[name].rps)),
      p99: median(rounds.map((r) => r[name].p99)),
    })
    const [o, b, e, f] = [of('ours'), of('bare'), of('express'), of('floor')]
    const bareRatios = rounds.map((r) => r.ours.rps / r.bare.rps)
    const expressRatios = rounds.map((r) => r.ours.rps / r.express.rps)
    const vsBare = median(bareRatios)
    const vsExpress = median(expressRatios)
    const floorVsBare = median(rounds.map((r) => r.floor.rps / r.bare.rps))
    const floorP99 = median(rounds.map((r) => r.floor.p99 / Math.max(r.bare.p99, 1)))
    const vsFloor = median(rounds.map((r) => r.ours.rps / r.floor.rps))
    const p99 = median(rounds.map((r) => r.ours.p99 / Math.max(r.bare.p99, 1)))
    const met = vsBare >= 0.5 && vsExpress >= 3 && p99 <= 2
    const bad = rounds.reduce((n, r) => n + r.ours.non2xx + r.ours.errors, 0)
    const line = `| \`GET ${route}\` | ${Math.round(o.rps)} / ${o.p99} ms | ${Math.round(b.rps)} / ${b.p99} ms | ${Math.round(e.rps)} / ${e.p99} ms | ${vsBare.toFixed(2)}× | ${vsExpress.toFixed(2)}× | ${p99.toFixed(1)}× | ${met ? 'met' : 'NOT met'}${bad ? ` (${bad} non-2xx/errors)` : ''} | ${Math.round(f.rps)} / ${f.p99} ms | ${floorVsBare.toFixed(2)}× | ${floorP99.toFixed(1)}× | ${vsFloor.toFixed(2)}× |`
    rows.push(line)
    console.log(line)
    console.log(
      `  rounds, ours/bare: ${bareRatios.map((x) => x.toFixed(2)).join(', ')}; ours/Express: ${expressRatios.map((x) => x.toFixed(2)).join(', ')}`,
    )
  }
  const uptimeAfter = execFileSync('uptime', { encoding: 'utf8' }).trim()
  console.log(
    '\n| route | ours req/s / p99 (medians) | bare node:http | Express 5 | ours/bare | ours/Express | p99 ours/bare | target | floor | floor/bare | p99 floor/bare | ours/floor |',
  )
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|')
  for (const row of rows) console.log(row)
  console.log(
    `load average before: ${uptimeBefore.split('load average:')[1]?.trim()}; after: ${uptimeAfter.split('load average:')[1]?.trim()} (now ${loadavg()
      .map((l) => l.toFixed(2))
      .join(', ')})`,
  )
  console.log(`our server wrote ${readFileSync(logPath, 'utf8').split('\n').length} log lines`)
} finally {
  for (const child of children) child.kill('SIGTERM')
  await cleanupTestResources()
  rmSync(dir, { recursive: true, force: true })
}
