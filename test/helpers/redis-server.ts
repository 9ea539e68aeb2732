import { spawn, spawnSync } from 'node:child_process'
import net from 'node:net'
import type Docker from 'dockerode'

function reachable(url: URL): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(Number(url.port || 6379), url.hostname)
    socket.setTimeout(1000)
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
    socket.once('timeout', () => {
      socket.destroy()
      resolve(false)
    })
  })
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

async function waitUntilReachable(url: URL, what: string) {
  const deadline = Date.now() + 15_000
  while (!(await reachable(url))) {
    if (Date.now() > deadline) throw new Error(`${what} did not come up at ${url.host}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

/**
 * A Redis on loopback for the tests: the one at ZAPIE_TEST_REDIS_URL (default
 * redis://127.0.0.1:6379) when it answers; else a private `redis-server` on a free port when the
 * binary is installed; else a `redis:7-alpine` container on host networking (where a registry is
 * reachable). Otherwise it fails with instructions.
 */
export async function ensureRedis(docker: Docker, label: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const configured = new URL(process.env.ZAPIE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379')
  if (await reachable(configured)) return { url: configured.toString().replace(/\/$/, ''), stop: async () => {} }

  const port = await freePort()
  const url = new URL(`redis://127.0.0.1:${port}`)
  if (spawnSync('redis-server', ['--version']).status === 0) {
    const child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    )
    await waitUntilReachable(url, 'redis-server')
    return { url: url.toString().replace(/\/$/, ''), stop: async () => void child.kill() }
  }
  try {
    const stream = await docker.pull('redis:7-alpine')
    await new Promise((resolve, reject) =>
      docker.modem.followProgress(stream, (err) => (err ? reject(err) : resolve(null))),
    )
    const container = await docker.createContainer({
      Image: 'redis:7-alpine',
      Cmd: ['redis-server', '--port', String(port), '--bind', '127.0.0.1', '--save', ''],
      Labels: { 'zapie.test': label },
      HostConfig: { NetworkMode: 'host', AutoRemove: true },
    })
    await container.start()
    await waitUntilReachable(url, 'the redis container')
    return {
      url: url.toString().replace(/\/$/, ''),
      stop: async () => void (await container.remove({ force: true }).catch(() => {})),
    }
  } catch {
    throw new Error(
      `No Redis answers at ${configured.host}, redis-server is not installed, and no redis image could be pulled. ` +
        "Install one (Debian: apt-get install redis-server) or start one: `redis-server --bind 127.0.0.1 --daemonize yes --save ''`, " +
        'or set ZAPIE_TEST_REDIS_URL.',
    )
  }
}

/**
 * A private `redis-server` on a free loopback port that a test may freeze (SIGSTOP), thaw, kill
 * and start again on the same port. `stop` always thaws and kills it.
 */
export async function startPrivateRedis() {
  if (spawnSync('redis-server', ['--version']).status !== 0)
    throw new Error('redis-server is not installed (Debian: apt-get install redis-server)')
  const port = await freePort()
  const url = new URL(`redis://127.0.0.1:${port}`)
  let child: ReturnType<typeof spawn> | undefined
  const start = async () => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    })
    await waitUntilReachable(url, 'redis-server')
  }
  const kill = async () => {
    const running = child
    child = undefined
    if (!running || running.exitCode !== null) return
    running.kill('SIGCONT')
    const exited = new Promise((resolve) => running.once('exit', resolve))
    running.kill('SIGKILL')
    await exited
  }
  await start()
  return {
    url: url.toString().replace(/\/$/, ''),
    freeze: () => void child?.kill('SIGSTOP'),
    thaw: () => void child?.kill('SIGCONT'),
    kill,
    start,
    stop: kill,
  }
}
