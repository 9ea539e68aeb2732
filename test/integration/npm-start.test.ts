import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

// `npm start` and `npm run agent` exactly as a user runs them: npm, then the built bundle.
const root = join(import.meta.dirname, '..', '..')
const dirs: string[] = []
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'zapie-npm-'))
  dirs.push(dir)
  return dir
}

beforeAll(() => {
  // The bundle must be the code under test, not whatever an earlier install built.
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root })
})
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

interface Run {
  pid: number
  output: () => string
  exited: Promise<number | null>
}

function npm(script: string, env: Record<string, string>): Run {
  // Its own process group, so the test can see every process the script left behind.
  const child = spawn('npm', script === 'start' ? ['start'] : ['run', script], {
    cwd: root,
    detached: true,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout!.on('data', (d) => (out += d))
  child.stderr!.on('data', (d) => (out += d))
  return {
    pid: child.pid!,
    output: () => out,
    exited: new Promise((resolve) => child.on('exit', (code) => resolve(code))),
  }
}

async function listening(run: Run): Promise<string> {
  for (let i = 0; i < 400; i++) {
    const url = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(run.output())?.[1]
    if (url) return url
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`never listened:\n${run.output()}`)
}

/** The commands of every live process in a process group. */
function group(pgid: number): string[] {
  // ps exits 1 when no process matches: an empty group.
  const out = spawnSync('ps', ['-o', 'args=', '-g', String(pgid)], { encoding: 'utf8' }).stdout.trim()
  return out
    ? out
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => !l.startsWith('ps '))
    : []
}

const groupGone = async (pgid: number, withinMs: number) => {
  const deadline = Date.now() + withinMs
  while (Date.now() < deadline) {
    if (group(pgid).length === 0) return true
    await new Promise((r) => setTimeout(r, 100))
  }
  return false
}

async function freePort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const { port } = server.address() as net.AddressInfo
  await new Promise((r) => server.close(r))
  return port
}

describe('npm start', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`is npm and one plain node process, and ${signal} to npm stops both within 10 s with exit 0`, async () => {
      const run = npm('start', {
        PORT: String(await freePort()),
        ZAPIE_DATA_DIR: tempDir(),
        ZAPIE_API_TOKEN: 'npm-start-token-0123456789',
      })
      const url = await listening(run)
      expect((await fetch(`${url}/api/health`)).status).toBe(200)
      const processes = group(run.pid)
      // No tsx, no shell in between: npm exec's the bundle.
      expect(processes).toEqual(['npm start', 'node --max-semi-space-size=8 dist/node.js'])
      process.kill(run.pid, signal)
      expect(await groupGone(run.pid, 10_000)).toBe(true)
      expect(await run.exited).toBe(0)
    })
  }

  it('names PORT in one line, with no stack trace and no token written, when the port is busy', async () => {
    const busy = net.createServer()
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r))
    const port = (busy.address() as net.AddressInfo).port
    const dataDir = join(tempDir(), 'data')
    try {
      const run = npm('start', { PORT: String(port), ZAPIE_DATA_DIR: dataDir })
      expect(await run.exited).not.toBe(0)
      expect(run.output()).toContain(`PORT=${port} is already in use on 127.0.0.1`)
      expect(run.output()).not.toMatch(/^\s+at /m)
      // Nothing was written: no data directory, so no token was generated or printed.
      expect(existsSync(dataDir)).toBe(false)
      expect(run.output()).not.toMatch(/token/i)
    } finally {
      await new Promise((r) => busy.close(r))
    }
  })

  it('names HOST in one line when the host cannot be resolved, and writes nothing', async () => {
    const dataDir = join(tempDir(), 'data')
    const run = npm('start', { PORT: '0', HOST: 'no-such-host.invalid', ZAPIE_DATA_DIR: dataDir })
    expect(await run.exited).not.toBe(0)
    expect(run.output()).toContain('HOST=no-such-host.invalid cannot be resolved')
    expect(run.output()).not.toMatch(/^\s+at /m)
    expect(existsSync(dataDir)).toBe(false)
  })

  it('prints the first-run token only once the port is bound, and still serves with it', async () => {
    const dataDir = tempDir()
    const run = npm('start', { PORT: '0', ZAPIE_DATA_DIR: dataDir })
    const url = await listening(run)
    const token = readFileSync(join(dataDir, 'api-token'), 'utf8').trim()
    expect(run.output()).toContain(token)
    expect((await fetch(`${url}/api/services`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200)
    process.kill(run.pid, 'SIGTERM')
    expect(await run.exited).toBe(0)
  })
})

describe('npm run agent', () => {
  it('is one plain node process under npm, and SIGTERM to npm stops it with exit 0', async () => {
    const run = npm('agent', {
      ZAPIE_AGENT_PORT: '0',
      ZAPIE_DATA_DIR: tempDir(),
      ZAPIE_AGENT_TOKEN: 'npm-agent-token-0123456789',
    })
    await listening(run)
    expect(group(run.pid)).toEqual(['npm run agent', 'node --max-semi-space-size=8 dist/agent.js'])
    process.kill(run.pid, 'SIGTERM')
    expect(await groupGone(run.pid, 10_000)).toBe(true)
    expect(await run.exited).toBe(0)
  })

  it('names ZAPIE_AGENT_PORT when its port is busy, and writes no agent token', async () => {
    const busy = net.createServer()
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r))
    const port = (busy.address() as net.AddressInfo).port
    const dataDir = tempDir()
    try {
      const run = npm('agent', { ZAPIE_AGENT_PORT: String(port), ZAPIE_DATA_DIR: dataDir })
      expect(await run.exited).not.toBe(0)
      expect(run.output()).toContain(`ZAPIE_AGENT_PORT=${port} is already in use`)
      expect(readdirSync(dataDir)).toEqual([])
    } finally {
      await new Promise((r) => busy.close(r))
    }
  })
})

describe('the bundle npm start runs', () => {
  const js = () =>
    readdirSync(join(root, 'dist'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js'))

  it('is ASCII only, so V8 keeps its source one byte per character', () => {
    for (const file of js()) {
      const bytes = readFileSync(join(root, 'dist', file))
      expect({ file, nonAscii: bytes.findIndex((b) => b > 0x7f) }).toEqual({ file, nonAscii: -1 })
    }
  })

  it('keeps the Redis client out of what every start reads', () => {
    expect(readFileSync(join(root, 'dist/node.js'), 'utf8')).not.toContain('ioredis')
    const shared = js().filter(
      (f) => f !== 'node.js' && !readFileSync(join(root, 'dist', f), 'utf8').includes('ioredis'),
    )
    expect(shared.length).toBeGreaterThan(0)
  })

  it('on Redis storage, loads the driver when first used: imports a Portainer file and lists it sorted', async () => {
    const redisPort = await freePort()
    // A private Redis, so nothing another run keeps in a shared one is touched.
    const redis = spawn(
      'redis-server',
      ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      {
        stdio: 'ignore',
      },
    )
    try {
      const token = 'npm-start-lazy-token-0123456789'
      const run = npm('start', {
        PORT: '0',
        ZAPIE_DATA_DIR: tempDir(),
        ZAPIE_API_TOKEN: token,
        ZAPIE_STORAGE: 'redis',
        ZAPIE_REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      })
      const url = await listening(run)
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' }
      const portainer = readFileSync(join(root, 'test/fixtures/portainer-templates/templates-v2.json'), 'utf8')
      const imported = await fetch(`${url}/api/templates/import`, { method: 'POST', headers, body: portainer })
      expect(imported.status).toBe(200)
      expect((await imported.json()).success).toBe(true)

      const listed = await fetch(`${url}/api/templates?sort=name&limit=500`, { headers })
      expect(listed.status).toBe(200)
      const names = ((await listed.json()).templates as { name: string }[]).map((t) => t.name)
      expect(names).toContain('Airsonic')
      const collator = new Intl.Collator('en')
      expect(names).toEqual([...names].sort((a, b) => collator.compare(a.toLowerCase(), b.toLowerCase())))

      process.kill(run.pid, 'SIGTERM')
      expect(await run.exited).toBe(0)
    } finally {
      redis.kill('SIGTERM')
    }
  })
})
