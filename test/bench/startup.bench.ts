import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import net from 'node:net'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * `npm run bench startup`: `npm start` as a user runs it — npm, then plain node on the esbuild
 * bundle — against the same entry point run from source by tsx (how `npm start` ran before the
 * bundle). Time from spawn to the first answer of GET /api/health, and the RSS of every process
 * the command started, 2 s after that answer (idle). Median of ROUNDS each, interleaved.
 * Targets: first answer ≤ 0.6 s, idle RSS ≤ 90 MB.
 */
const ROUNDS = 5
const root = join(import.meta.dirname, '..', '..')
const TOKEN = 'bench-startup-token-0123456789'

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

async function once(
  command: string,
  args: string[],
): Promise<{ ms: number; server: number; total: number; processes: number }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'zapie-bench-start-'))
  const port = await freePort()
  const started = performance.now()
  const child = spawn(command, args, {
    cwd: root,
    detached: true,
    stdio: 'ignore',
    env: { ...process.env, PORT: String(port), ZAPIE_DATA_DIR: dataDir, ZAPIE_API_TOKEN: TOKEN, LOG_LEVEL: 'warn' },
  })
  try {
    for (;;) {
      const ok = await fetch(`http://127.0.0.1:${port}/api/health`).then(
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
const ours: Awaited<ReturnType<typeof once>>[] = []
const baseline: Awaited<ReturnType<typeof once>>[] = []
const load = [loadavg()[0]]
for (let i = 0; i < ROUNDS; i++) {
  ours.push(await once('npm', ['start']))
  baseline.push(await once('npx', ['tsx', 'src/node.ts']))
  load.push(loadavg()[0])
}
const report = (name: string, runs: typeof ours) =>
  console.log(
    `${name.padEnd(34)} first answer p50 ${median(runs.map((r) => r.ms)).toFixed(0)} ms (min ${Math.min(...runs.map((r) => r.ms)).toFixed(0)}), ` +
      `idle RSS p50 server ${(median(runs.map((r) => r.server)) / 2 ** 20).toFixed(1)} MiB, ` +
      `all ${runs[0]!.processes} processes ${(median(runs.map((r) => r.total)) / 2 ** 20).toFixed(1)} MiB`,
  )
report('npm start (node dist/node.js)', ours)
report('baseline: tsx src/node.ts', baseline)
console.log(`load average (1 min) during the run: ${load.map((l) => (l ?? 0).toFixed(2)).join(', ')}`)
console.log(`ratio first answer: ${(median(ours.map((r) => r.ms)) / median(baseline.map((r) => r.ms))).toFixed(2)}×`)
