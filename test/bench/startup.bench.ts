import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import net from 'node:net'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * `npm run bench startup`: `npm start` as a user runs it — npm, then plain node on the esbuild
 * bundle — against the same entry point run from source by tsx (how `npm start` ran before the
 * bundle); the same for `npm run agent` and for `npm start` in split mode (ZAPIE_AGENT_URL, one
 * agent kept running for those rounds). Time from spawn to the first answer (GET /api/health, the
 * agent's GET /health), and the RSS of every process the command started, 2 s after that answer
 * (idle). Median of ROUNDS each, interleaved. BENCH_COMPARE_ROOT=<another checkout> adds its
 * `npm start` (e.g. the previous bundle) to the same run. Targets: first answer ≤ 0.6 s, idle
 * RSS ≤ 90 MB.
 */
const ROUNDS = 5
const root = join(import.meta.dirname, '..', '..')
const TOKEN = 'bench-startup-token-0123456789'
const AGENT_TOKEN = 'bench-startup-agent-token-0123456789'
const compareRoot = process.env.BENCH_COMPARE_ROOT

execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root })

async function freePort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const { port } = server.address() as net.AddressInfo
  await new Promise((r) => server.close(r))
  return port
}

/**
 * RSS in bytes of the server (the process that listens: the deepest one of the group) and of
 * the whole group the command started (npm → node, or npm → sh → tsx → node).
 */
function groupRss(pgid: number): { server: number; total: number; processes: number } {
  const out = execFileSync('ps', ['-o', 'pid=,ppid=,rss=', '-g', String(pgid)], { encoding: 'utf8' })
  const rows = out
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/).map(Number) as [number, number, number])
  const parents = new Set(rows.map(([, pp]) => pp))
  const leaves = rows.filter(([p]) => !parents.has(p))
  return {
    server: Math.max(...leaves.map(([, , rss]) => rss * 1024)),
    total: rows.reduce((sum, [, , rss]) => sum + rss * 1024, 0),
    processes: rows.length,
  }
}

interface Target {
  cwd?: string
  env?: Record<string, string>
  /** The agent listens on ZAPIE_AGENT_PORT and answers GET /health. */
  agent?: boolean
}

async function once(
  command: string,
  args: string[],
  target: Target = {},
): Promise<{ ms: number; server: number; total: number; processes: number }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'zapie-bench-start-'))
  const port = await freePort()
  const started = performance.now()
  const child = spawn(command, args, {
    cwd: target.cwd ?? root,
    detached: true,
    stdio: 'ignore',
    env: {
      ...process.env,
      PORT: String(port),
      ZAPIE_AGENT_PORT: String(port),
      ZAPIE_DATA_DIR: dataDir,
      ZAPIE_API_TOKEN: TOKEN,
      ZAPIE_AGENT_TOKEN: AGENT_TOKEN,
      LOG_LEVEL: 'warn',
      ...target.env,
    },
  })
  try {
    for (;;) {
      const ok = await fetch(`http://127.0.0.1:${port}${target.agent ? '/health' : '/api/health'}`).then(
        (r) => r.status > 0,
        () => false,
      )
      if (ok) break
      if (performance.now() - started > 30_000) throw new Error(`${command} ${args.join(' ')} never answered`)
      await new Promise((r) => setTimeout(r, 5))
    }
    const ms = performance.now() - started
    await new Promise((r) => setTimeout(r, 2000))
    return { ms, ...groupRss(child.pid!) }
  } finally {
    process.kill(-child.pid!, 'SIGTERM')
    await new Promise((r) => child.once('exit', r))
    // npm may exit before the server has finished writing its last records.
    while (spawnSync('ps', ['-o', 'pid=', '-g', String(child.pid)], { encoding: 'utf8' }).stdout.trim()) {
      await new Promise((r) => setTimeout(r, 50))
    }
    rmSync(dataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 })
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
type Run = Awaited<ReturnType<typeof once>>

// The agent the split-mode rounds talk to: one plain node process for the whole run.
const agentPort = await freePort()
const agentDir = mkdtempSync(join(tmpdir(), 'zapie-bench-agent-'))
const agent = spawn(process.execPath, ['dist/agent.js'], {
  cwd: root,
  stdio: 'ignore',
  env: {
    ...process.env,
    ZAPIE_AGENT_PORT: String(agentPort),
    ZAPIE_AGENT_TOKEN: AGENT_TOKEN,
    ZAPIE_DATA_DIR: agentDir,
  },
})
const split = { ZAPIE_AGENT_URL: `http://127.0.0.1:${agentPort}`, ZAPIE_AGENT_TOKEN: AGENT_TOKEN }

const cases: { name: string; run: () => Promise<Run> }[] = [
  { name: 'npm start (node dist/node.js)', run: () => once('npm', ['start']) },
  { name: 'baseline: tsx src/node.ts', run: () => once('npx', ['tsx', 'src/node.ts']) },
  { name: 'npm run agent (dist/agent.js)', run: () => once('npm', ['run', 'agent'], { agent: true }) },
  { name: 'baseline: tsx src/agent/main.ts', run: () => once('npx', ['tsx', 'src/agent/main.ts'], { agent: true }) },
  { name: 'npm start, split mode', run: () => once('npm', ['start'], { env: split }) },
  { name: 'baseline: tsx src/node.ts, split', run: () => once('npx', ['tsx', 'src/node.ts'], { env: split }) },
]
if (compareRoot)
  cases.push({ name: `${compareRoot}: npm start`, run: () => once('npm', ['start'], { cwd: compareRoot }) })

const runs = cases.map(() => [] as Run[])
const load = [loadavg()[0]]
try {
  for (let i = 0; i < ROUNDS; i++) {
    for (const [k, c] of cases.entries()) runs[k]!.push(await c.run())
    load.push(loadavg()[0])
  }
} finally {
  agent.kill('SIGTERM')
  await new Promise((r) => agent.once('exit', r))
  rmSync(agentDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 })
}
const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1)
const mb = (bytes: number) => (bytes / 1e6).toFixed(1)
for (const [k, c] of cases.entries()) {
  const r = runs[k]!
  const server = median(r.map((x) => x.server))
  console.log(
    `${c.name.padEnd(34)} first answer p50 ${median(r.map((x) => x.ms)).toFixed(0)} ms (min ${Math.min(...r.map((x) => x.ms)).toFixed(0)}), ` +
      `idle RSS p50 server ${mib(server)} MiB = ${mb(server)} MB (min ${mib(Math.min(...r.map((x) => x.server)))} MiB), ` +
      `all ${r[0]!.processes} processes ${mib(median(r.map((x) => x.total)))} MiB`,
  )
}
console.log(`load average (1 min) during the run: ${load.map((l) => (l ?? 0).toFixed(2)).join(', ')}`)
console.log(
  `ratio first answer: ${(median(runs[0]!.map((r) => r.ms)) / median(runs[1]!.map((r) => r.ms))).toFixed(2)}×`,
)
