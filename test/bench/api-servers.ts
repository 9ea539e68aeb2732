import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { openSync, readFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { join } from 'node:path'
import { mapLimited } from '../../src/limiter'
import { until } from '../helpers/agent-child'
import { createTestContainer, uniqueName } from '../helpers/docker'
import { startFlags } from './start-flags'

/** What the API benches share: our server as `npm start` runs it, pinned, and its services. */
export const BENCH_TOKEN = 'bench-token-0123456789abcdef0123'

const taskset = spawnSync('taskset', ['--version']).status === 0 && cpus().length >= 2
/** `cmd` on one core when taskset exists (the server on 0, load generators on 1). */
export const pinned = (core: number, cmd: string[]) => (taskset ? ['taskset', '-c', String(core), ...cmd] : cmd)
export const pinning = () => (taskset ? 'on' : 'off')

/** autocannon -c 50 with the token, in JSON, on core 1: the load generator never shares the server's core. */
export const autocannon = (url: string, seconds: number) =>
  pinned(1, [
    process.execPath,
    join(import.meta.dirname, '..', '..', 'node_modules/autocannon/autocannon.js'),
    ...['-c', '50', '-d', String(seconds), '-j', '-H', `authorization=Bearer ${BENCH_TOKEN}`, url],
  ])

export function safeRead(path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return ''
  }
}

/** The read routes the API benches load (#13), one of them about `service`. */
export const readRoutes = (service: string) => [
  '/api/health',
  '/api/services',
  `/api/services/${service}`,
  '/api/services/health/all',
  '/api/templates?limit=20',
]

/** `count` labelled busybox services on the real engine (removed by cleanupTestResources). */
export async function createBenchServices(count: number): Promise<string[]> {
  return mapLimited(
    Array.from({ length: count }, (_, i) => i),
    4,
    async (i) =>
      (
        await createTestContainer({
          name: uniqueName(`bench${i}`),
          labels: { 'zapie.service': 'busybox', 'zapie.template': 'basic' },
        })
      ).name,
  )
}

export interface OurServer {
  child: ChildProcess
  url: string
  logPath: string
}

/**
 * A built bundle (`<checkout>/dist/node.js`) run as `npm start` runs it (its node flags, or
 * BENCH_FLAGS), on core 0, with auth, a rate limit never reached and LOG_LEVEL=info logging to
 * a file, its data in `dataDir`.
 */
export async function startOurServer(checkout: string, dataDir: string, children: ChildProcess[]): Promise<OurServer> {
  const logPath = join(dataDir, 'server.log')
  const flags = process.env.BENCH_FLAGS?.split(' ').filter(Boolean) ?? startFlags('start')
  const cmd = pinned(0, [process.execPath, ...flags, join(checkout, 'dist/node.js')])
  const child = spawn(cmd[0]!, cmd.slice(1), {
    cwd: checkout,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      ZAPIE_API_TOKEN: BENCH_TOKEN,
      ZAPIE_DATA_DIR: join(dataDir, 'data'),
      ZAPIE_STORAGE: 'fs',
      LOG_LEVEL: 'info',
      ZAPIE_RATE_LIMIT: '1000000000',
    },
    stdio: ['ignore', openSync(logPath, 'a'), 'inherit'],
  })
  children.push(child)
  const url = await until(
    `the server in ${checkout}`,
    async () => /"msg":"listening","url":"([^"]+)"/.exec(safeRead(logPath))?.[1],
  )
  return { child, url, logPath }
}
