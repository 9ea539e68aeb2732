import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { mapLimited } from '../../src/limiter'
import { LISTENING, startTsEntry } from '../helpers/processes'
import { openEventStream } from '../helpers/sse-client'

const dirs: string[] = []
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

function tempDir() {
  const dir = mkdtempSync(join(tmpdir(), 'zapie-entry-'))
  dirs.push(dir)
  return dir
}

function start(script: string, env: Record<string, string>) {
  const started = startTsEntry(script, env)
  return { ...started, listening: async () => (await started.waitFor(LISTENING, 20_000))[1]! }
}

const stop = (child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM') => child.kill(signal)

describe('npm start (src/node.ts)', () => {
  it('generates a token on first start, stores it 0600, prints it once, and serves the API', async () => {
    const dataDir = tempDir()
    const first = start('src/node.ts', { PORT: '0', ZAPIE_DATA_DIR: dataDir })
    const url = await first.listening()
    const token = readFileSync(join(dataDir, 'api-token'), 'utf8').trim()
    expect(statSync(join(dataDir, 'api-token')).mode & 0o777).toBe(0o600)
    expect(first.output()).toContain(token)
    const health = await (await fetch(`${url}/api/health`)).json()
    expect(health).toEqual({ success: true, status: 'ok' })
    expect((await fetch(`${url}/api/services`)).status).toBe(401)
    expect((await fetch(`${url}/api/services`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200)
    // Request log lines (written at most 50 ms later: src/log-batch.ts) carry no token.
    await first.waitFor(/"msg":"request".*"path":"\/api\/services"/, 5_000)
    expect(first.output().split(token).length - 1).toBe(1)
    stop(first.child)
    expect(await first.exited).toBe(0)

    const second = start('src/node.ts', { PORT: '0', ZAPIE_DATA_DIR: dataDir })
    const url2 = await second.listening()
    expect(second.output()).not.toContain(token)
    expect((await fetch(`${url2}/api/services`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200)
    stop(second.child, 'SIGINT')
    expect(await second.exited).toBe(0)
  })

  it('closes open event streams and exits 0 on SIGTERM', async () => {
    const token = 'entry-test-token-0123456789'
    const app = start('src/node.ts', { PORT: '0', ZAPIE_DATA_DIR: tempDir(), ZAPIE_API_TOKEN: token })
    const url = await app.listening()
    const stream = await openEventStream(`${url}/api/events`, { authorization: `Bearer ${token}` })
    expect(stream.response.status).toBe(200)
    stop(app.child)
    expect(await app.exited).toBe(0)
    await stream.done
    expect(stream.ended).toBe(true)
  })

  it('writes every request line on SIGTERM while nothing reads its stdout for a moment', async () => {
    const app = start('src/node.ts', { PORT: '0', ZAPIE_DATA_DIR: tempDir() })
    const url = await app.listening()
    const closed = new Promise((resolve) => app.child.on('close', resolve))
    // A reader that falls behind (a terminal, `| tee`, a container's log pipe): the log's
    // writes wait, and the shutdown must wait for them instead of exiting over them.
    app.child.stdout!.pause()
    const requests = 3000
    await mapLimited(Array.from({ length: requests }), 20, async () => {
      await (await fetch(`${url}/api/health`)).arrayBuffer()
    })
    stop(app.child)
    await new Promise((r) => setTimeout(r, 1000))
    app.child.stdout!.resume()
    expect(await app.exited).toBe(0)
    await closed
    const lines = app
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { msg: string; path?: string })
    expect(lines.filter((line) => line.msg === 'request' && line.path === '/api/health')).toHaveLength(requests)
    expect(lines.at(-1)?.msg).toBe('shutting down')
  }, 60_000)

  it('refuses to start with a bad setting, naming the variable', async () => {
    const app = start('src/node.ts', { PORT: 'eighty', ZAPIE_DATA_DIR: tempDir() })
    expect(await app.exited).toBe(1)
    expect(app.output()).toMatch(/PORT/)
  })
})

describe('npm run agent (src/agent/main.ts)', () => {
  it('serves the agent API on loopback with its own token', async () => {
    const dataDir = tempDir()
    const agent = start('src/agent/main.ts', { ZAPIE_AGENT_PORT: '0', ZAPIE_DATA_DIR: dataDir })
    const url = await agent.listening()
    const token = readFileSync(join(dataDir, 'agent-token'), 'utf8').trim()
    expect(statSync(join(dataDir, 'agent-token')).mode & 0o777).toBe(0o600)
    expect((await fetch(`${url}/health`)).status).toBe(200)
    const call = (t: string) =>
      fetch(`${url}/rpc/listServices`, {
        method: 'POST',
        headers: { authorization: `Bearer ${t}`, 'content-type': 'application/json' },
        body: '{"args":[{}]}',
      })
    expect((await call('not-the-agent-token')).status).toBe(401)
    const res = await call(token)
    expect(res.status).toBe(200)
    expect(Array.isArray((await res.json()).result)).toBe(true)
    stop(agent.child)
    expect(await agent.exited).toBe(0)
  })
})
