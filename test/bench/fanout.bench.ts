import { spawn, type ChildProcess } from 'node:child_process'
import { execFileSync } from 'node:child_process'
import { cpus, loadavg, totalmem } from 'node:os'
import { join } from 'node:path'
import { build } from 'esbuild'
import { startFlags } from './start-flags'

/**
 * `npm run bench fanout`: GET /api/events against a plain node:http SSE server and Socket.IO 4
 * (websocket transport) broadcasting the same payload at the same rate, in one run. For each
 * server and N = 500, 1,000, 2,000 idle clients: server memory per connection (RSS and heap
 * rise after GC, over N), delivery delay of 20 events at 2 per second (publish timestamp in the
 * payload, the client's clock on receipt: one machine, one clock), whether every client got
 * every event, and whether the subscriber count and heap return to where they were after the
 * clients leave (a second round of N clients adds nothing to what the first left). The server
 * runs on core 0 and the load generator on core 1 (taskset).
 * Targets (#13): memory per connection ≤ 1.3× plain and below Socket.IO; p99 ≤ 1.5× plain.
 */
const ALL = ['plain', 'socketio', 'ours'] as const
// FANOUT_KINDS=ours measures one server alone (e.g. an older commit); the comparison needs all three.
const KINDS = ALL.filter((k) => (process.env.FANOUT_KINDS ?? ALL.join(',')).split(',').includes(k))
const SIZES = [500, 1000, 2000]
const EVENTS = 20
const EVERY_MS = 500
const TOKEN = 'bench-token-0123456789abcdef'
const dir = join(import.meta.dirname, 'fanout')
const children: ChildProcess[] = []
// Bounded: whatever happens, the bench stops by itself.
const deadline = setTimeout(() => {
  console.error('fanout bench: over its 5-minute budget, stopping')
  for (const child of children) child.kill('SIGKILL')
  process.exit(1)
}, 300_000)

type Reply = Record<string, number>

// The servers run as `npm start` runs ours: plain node on a minified esbuild bundle
// (scripts/build.mjs), not through tsx. tsx keeps every function's name with a defineProperty
// (esbuild's keepNames), which costs ~250 bytes per closure: per connection, that is the code's
// closures counted at several times their size. All three servers run from the same bundle.
const bundle = join(import.meta.dirname, '..', '..', 'dist', 'bench', 'fanout-server.mjs')
await build({
  entryPoints: [join(dir, 'server.ts')],
  outfile: bundle,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  minify: true,
  logLevel: 'warning',
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  // Optional native helpers of ws (Socket.IO), absent here.
  external: ['bufferutil', 'utf-8-validate', '*.node'],
})

function start(script: string, core: number, args: string[]) {
  const hasTaskset = (() => {
    try {
      execFileSync('taskset', ['-c', '0', 'true'])
      return true
    } catch {
      return false
    }
  })()
  const entry = script === 'server.ts' ? [bundle] : ['--import', 'tsx', join(dir, script)]
  // Ours with the V8 flags `npm start` gives it; the baselines as node runs by default, or with
  // the same flags under FANOUT_SAME_FLAGS=1 (what the flags alone change).
  const sameFlags = process.env.FANOUT_SAME_FLAGS === '1' || args[0] === 'ours'
  const flags = script === 'server.ts' && sameFlags ? startFlags('start') : []
  // --expose-gc for every process: the memory readings collect first (server.ts, settle).
  const node = [process.execPath, '--expose-gc', ...flags, '--max-old-space-size=2048', ...entry, ...args]
  const child = hasTaskset
    ? spawn('taskset', ['-c', String(core), ...node], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
    : spawn(node[0]!, node.slice(1), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  children.push(child)
  let next = 0
  const pending = new Map<number, (r: Reply) => void>()
  const ready = new Promise<Reply>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)))
    child.on('message', (m: Reply & { id?: number; ready?: boolean }) => {
      if (m.ready) return resolve(m)
      pending.get(m.id!)?.(m)
      pending.delete(m.id!)
    })
  })
  return {
    ready,
    ask: (cmd: Record<string, unknown>) =>
      new Promise<Reply>((resolve) => {
        const id = ++next
        pending.set(id, resolve)
        child.send({ id, ...cmd })
      }),
    stop: () => child.kill('SIGKILL'),
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1)
const kb = (bytes: number) => (bytes / 1024).toFixed(1)

interface Row {
  kind: string
  n: number
  rssPerConn: number
  heapPerConn: number
  /** Of heapPerConn, code V8 compiled while the clients connected: once per process, not per client. */
  codePerConn: number
  p50: number
  p99: number
  max: number
  complete: number
  clientsAfter: number
  heapLeft: number
  /** Of heapLeft, V8's compiled code (committed code space). */
  codeLeft: number
  /** Subscribers, and heap added, after a second round of N clients came and went. */
  clientsAgain: number
  heapAddedAgain: number
  rssLeft: number
  /** RSS growth with N clients connected (bytes, after GC). */
  rssGrowth: number
  /** V8's young generation, committed, at the baseline and with N clients. */
  newSpaceBase: number
  newSpaceLoaded: number
  /** Growth of everything V8's heap spaces have committed. */
  committedGrowth: number
}

const uptime = () => execFileSync('uptime', { encoding: 'utf8' }).trim()
console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model}), ${mb(totalmem())} MB, Node ${process.version}`)
console.log(`load before: ${uptime()}`)
const loads: number[] = [loadavg()[0]!]
const rows: Row[] = []
let run = 0
for (const kind of KINDS) {
  for (const n of SIZES) {
    // A fresh server per size: its RSS then rises from a clean baseline, not into pages an
    // earlier size freed.
    const server = start('server.ts', 0, [kind])
    const { port } = await server.ready
    const clients = start('clients.ts', 1, [kind, String(port), TOKEN])
    await clients.ready
    // Warm up (routes compiled, code optimised, first-use caches filled) before the baseline.
    await clients.ask({ op: 'connect', n: 10, run: 0 })
    await server.ask({ op: 'broadcast', run: 0, events: 2, everyMs: 50 })
    await clients.ask({ op: 'close' })
    await sleep(200)
    run++
    // The baseline once the young generation is paged in (server.ts, touchYoungGeneration), as in
    // a server that has served for a while.
    await server.ask({ op: 'touch' })
    const base = await server.ask({ op: 'memory' })
    await clients.ask({ op: 'connect', n, run })
    await sleep(500)
    const loaded = await server.ask({ op: 'memory' })
    if (loaded.clients !== n) throw new Error(`${kind}: ${loaded.clients} of ${n} clients connected`)
    await server.ask({ op: 'broadcast', run, events: EVENTS, everyMs: EVERY_MS })
    await sleep(1000)
    const delivery = await clients.ask({ op: 'report', events: EVENTS })
    await clients.ask({ op: 'close' })
    let after = await server.ask({ op: 'memory' })
    for (let i = 0; i < 20 && after.clients !== 0; i++) {
      await sleep(250)
      after = await server.ask({ op: 'memory' })
    }
    // A second round of the same N: what one round leaves that another adds to is per-connection
    // residue (a leak); what stays once (V8's compiled code, node:http's pool of parsers) is not.
    await clients.ask({ op: 'connect', n, run: ++run })
    await clients.ask({ op: 'close' })
    let again = await server.ask({ op: 'memory' })
    for (let i = 0; i < 20 && again.clients !== 0; i++) {
      await sleep(250)
      again = await server.ask({ op: 'memory' })
    }
    loads.push(loadavg()[0]!)
    const row: Row = {
      kind,
      n,
      rssPerConn: (loaded.rss! - base.rss!) / n,
      heapPerConn: (loaded.heapUsed! + loaded.external! - base.heapUsed! - base.external!) / n,
      codePerConn: (loaded.code! - base.code!) / n,
      p50: delivery.p50!,
      p99: delivery.p99!,
      max: delivery.max!,
      complete: delivery.complete!,
      clientsAfter: after.clients!,
      heapLeft: after.heapUsed! + after.external! - base.heapUsed! - base.external!,
      codeLeft: after.code! - base.code!,
      clientsAgain: again.clients!,
      heapAddedAgain: again.heapUsed! + again.external! - after.heapUsed! - after.external!,
      rssLeft: after.rss! - base.rss!,
      rssGrowth: loaded.rss! - base.rss!,
      newSpaceBase: base.newSpace!,
      newSpaceLoaded: loaded.newSpace!,
      committedGrowth: loaded.heapCommitted! - base.heapCommitted!,
    }
    rows.push(row)
    console.log(
      `${kind.padEnd(8)} N=${String(n).padEnd(4)} rss/conn ${kb(row.rssPerConn)} KB, heap+ext/conn ${kb(row.heapPerConn)} KB (code ${kb(row.codePerConn)}), ` +
        `delay p50 ${row.p50.toFixed(1)} ms p99 ${row.p99.toFixed(1)} ms max ${row.max.toFixed(1)} ms, ` +
        `${row.complete}/${n} got all ${EVENTS} events (${delivery.deliveries} deliveries), ` +
        `after: ${row.clientsAfter} clients, heap+ext ${mb(row.heapLeft)} MB (code ${mb(row.codeLeft)}), rss ${mb(row.rssLeft)} MB from baseline; ` +
        `after a second round: ${row.clientsAgain} clients, heap+ext ${mb(row.heapAddedAgain)} MB more; ` +
        `RSS +${mb(row.rssGrowth)} MB, V8 committed +${mb(row.committedGrowth)} MB, young generation ${mb(row.newSpaceBase)} → ${mb(row.newSpaceLoaded)} MB`,
    )
    server.stop()
    clients.stop()
  }
}
console.log(`load after: ${uptime()}`)
console.log(`1-minute load average during the run: ${Math.min(...loads).toFixed(2)}–${Math.max(...loads).toFixed(2)}`)

if (KINDS.length < ALL.length) process.exit(0)
console.log('\nours against the baselines of this run:')
let met = true
for (const n of SIZES) {
  const [plain, sio, ours] = KINDS.map((k) => rows.find((r) => r.kind === k && r.n === n)!)
  const memRatio = ours!.rssPerConn / plain!.rssPerConn
  const p99Ratio = ours!.p99 / plain!.p99
  // Back to baseline: no subscriber left after either round, and a second round of N clients
  // adds under 10 % of what N clients took to what the first left. What the first round leaves
  // once — node:http's pool of up to 1,000 parsers, code V8 compiled under the load — is printed
  // above; plain and Socket.IO keep the same kinds.
  const leftOk =
    ours!.clientsAfter === 0 && ours!.clientsAgain === 0 && ours!.heapAddedAgain < 0.1 * ours!.heapPerConn * n
  const ok = memRatio <= 1.3 && ours!.rssPerConn < sio!.rssPerConn && p99Ratio <= 1.5 && ours!.complete === n && leftOk
  met &&= ok
  console.log(
    `N=${n}: memory (RSS) ${memRatio.toFixed(2)}× plain (target ≤ 1.3×), ${(ours!.rssPerConn / sio!.rssPerConn).toFixed(2)}× Socket.IO (target < 1×); ` +
      `heap ${(ours!.heapPerConn / plain!.heapPerConn).toFixed(2)}× plain, ${(ours!.heapPerConn / sio!.heapPerConn).toFixed(2)}× Socket.IO; ` +
      `p99 ${p99Ratio.toFixed(2)}× plain (target ≤ 1.5×); every event to every client: ${ours!.complete === n ? 'yes' : 'NO'}; ` +
      `back to baseline: ${leftOk ? 'yes' : 'NO'} — ${ok ? 'met' : 'NOT met'}`,
  )
}
// RSS per connection at one N includes whatever the server grows by once, whatever N is (memory
// the optimising compiler takes as the request path gets hot; a young generation growing to its
// maximum in the burst): the slope between the smallest and the largest N is what each further
// connection costs.
const [lo, hi] = [SIZES[0]!, SIZES[SIZES.length - 1]!]
const slope = (k: string) => {
  const [a, b] = [rows.find((r) => r.kind === k && r.n === lo)!, rows.find((r) => r.kind === k && r.n === hi)!]
  return (b.rssGrowth - a.rssGrowth) / (hi - lo)
}
console.log(
  `RSS per further connection (slope N=${lo}→${hi}): ` +
    KINDS.map((k) => `${k} ${kb(slope(k))} KB`).join(', ') +
    `; ours ${(slope('ours') / slope('plain')).toFixed(2)}× plain, ${(slope('ours') / slope('socketio')).toFixed(2)}× Socket.IO`,
)
console.log(met ? 'all targets met' : 'some targets NOT met')
clearTimeout(deadline)
