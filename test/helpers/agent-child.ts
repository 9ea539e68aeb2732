import { spawn } from 'node:child_process'

export const TOKEN = 'crash-test-agent-token-0123456789'

/**
 * `npm run agent` as a child process, with its store on disk so it survives a kill: crash tests
 * SIGKILL it at a named phase and start another agent on the same data directory.
 */
export function startAgent(dataDir: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/agent/main.ts'], {
    env: {
      PATH: process.env.PATH ?? '',
      DOCKER_HOST: process.env.DOCKER_HOST ?? '',
      LOG_LEVEL: 'info',
      ZAPIE_DATA_DIR: dataDir,
      ZAPIE_STORAGE: 'fs',
      ZAPIE_AGENT_PORT: '0',
      ZAPIE_AGENT_TOKEN: TOKEN,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout!.on('data', (d) => (out += d))
  child.stderr!.on('data', (d) => (out += d))
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()))
  const url = (async () => {
    const deadline = Date.now() + 30_000
    while (Date.now() < deadline) {
      const match = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(out)
      if (match) return match[1]!
      if (child.exitCode !== null) break
      await new Promise((r) => setTimeout(r, 50))
    }
    throw new Error(`agent did not start:\n${out}`)
  })()
  const rpc = async (method: string, ...args: unknown[]) => {
    const res = await fetch(`${await url}/rpc/${method}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ args }),
    })
    const body = JSON.parse(await res.text())
    if (!body.success) throw new Error(`${method}: ${body.error}`)
    return body.result
  }
  return { child, url, rpc, exited, output: () => out }
}

export async function until<T>(what: string, check: () => Promise<T | undefined | false>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const value = await check()
    if (value) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}
