import { mkdtempSync, rmSync } from 'node:fs'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Redis from 'ioredis'
import type { TestProject } from 'vitest/node'
import { LISTENING, startProcess, startTsEntry, type Started } from '../helpers/processes'

export const API_TOKEN = 'api-suite-token-0123456789'
const AGENT_TOKEN = 'api-suite-agent-token-0123456789'

declare module 'vitest' {
  export interface ProvidedContext {
    api: { baseUrl: string; token: string; mode: string }
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

async function startAgent(dataDir: string): Promise<{ agent: Started; url: string }> {
  const agent = startTsEntry('src/agent/main.ts', {
    ZAPIE_AGENT_PORT: '0',
    ZAPIE_AGENT_TOKEN: AGENT_TOKEN,
    ZAPIE_DATA_DIR: join(dataDir, 'agent'),
  })
  const url = (await agent.waitFor(LISTENING))[1]!
  return { agent, url }
}

/**
 * Starts the API in the mode the project names, the way a user would run it, and hands the
 * suite its base URL: (a) `npm start` single host; (b) `npm run agent` + `npm start` with
 * ZAPIE_AGENT_URL and redis storage; (c) `wrangler dev` (workerd) + `npm run agent`.
 */
export default async function setup(project: TestProject) {
  const mode = project.name.replace(/^api-/, '')
  const dataDir = mkdtempSync(join(tmpdir(), `zapie-api-${mode}-`))
  const processes: Started[] = []
  let baseUrl: string
  if (mode === 'node') {
    const api = startTsEntry('src/node.ts', { PORT: '0', ZAPIE_API_TOKEN: API_TOKEN, ZAPIE_DATA_DIR: dataDir })
    processes.push(api)
    baseUrl = (await api.waitFor(LISTENING))[1]!
  } else if (mode === 'split') {
    // Set by test/integration/global-setup.ts, which runs first in this process.
    const redisUrl = `${process.env.ZAPIE_TEST_REDIS_URL}/3`
    const redis = new Redis(redisUrl)
    await redis.flushdb()
    redis.disconnect()
    const { agent, url } = await startAgent(dataDir)
    processes.push(agent)
    const api = startTsEntry('src/node.ts', {
      PORT: '0',
      ZAPIE_API_TOKEN: API_TOKEN,
      ZAPIE_DATA_DIR: join(dataDir, 'api'),
      ZAPIE_AGENT_URL: url,
      ZAPIE_AGENT_TOKEN: AGENT_TOKEN,
      ZAPIE_STORAGE: 'redis',
      ZAPIE_REDIS_URL: redisUrl,
    })
    processes.push(api)
    baseUrl = (await api.waitFor(LISTENING))[1]!
  } else if (mode === 'workers') {
    const { agent, url } = await startAgent(dataDir)
    processes.push(agent)
    const port = await freePort()
    const wrangler = startProcess(
      join('node_modules', '.bin', 'wrangler'),
      [
        'dev',
        '--port',
        String(port),
        '--ip',
        '127.0.0.1',
        '--persist-to',
        join(dataDir, 'wrangler'),
        '--var',
        `AGENT_URL:${url}`,
        '--var',
        `AGENT_TOKEN:${AGENT_TOKEN}`,
        '--var',
        `API_TOKEN:${API_TOKEN}`,
        '--var',
        'LOG_LEVEL:warn',
      ],
      { WRANGLER_SEND_METRICS: 'false', CI: '1' },
    )
    processes.push(wrangler)
    baseUrl = (await wrangler.waitFor(/Ready on (http:\/\/127\.0\.0\.1:\d+)/, 90_000))[1]!
  } else {
    throw new Error(`unknown API mode ${mode}`)
  }
  project.provide('api', { baseUrl, token: API_TOKEN, mode })
  return async () => {
    for (const p of processes.reverse()) await p.stop()
    rmSync(dataDir, { recursive: true, force: true })
  }
}
