import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createHttpAgentClient } from '../../src/agent/http-client'
import { createEventRelay } from '../../src/events/relay'
import type { FeedItem } from '../../src/events/types'
import { cleanupTestResources, createTestContainer, dockerCli } from '../helpers/docker'
import { LISTENING, startTsEntry, type Started } from '../helpers/processes'

const TOKEN = 'restart-test-agent-token-0123'
const dataDir = mkdtempSync(join(tmpdir(), 'zapie-agent-restart-'))
const running: Started[] = []
afterAll(async () => {
  for (const p of running) await p.stop('SIGKILL')
  rmSync(dataDir, { recursive: true, force: true })
  await cleanupTestResources()
})

async function startAgent(port = 0) {
  const agent = startTsEntry('src/agent/main.ts', {
    ZAPIE_AGENT_PORT: String(port),
    ZAPIE_AGENT_TOKEN: TOKEN,
    ZAPIE_DATA_DIR: dataDir,
  })
  running.push(agent)
  const url = (await agent.waitFor(LISTENING))[1]!
  return { agent, url }
}

describe('a remote agent that restarts', () => {
  it('fails in-flight calls promptly with 503 instead of hanging', async () => {
    // PID 1 ignores SIGTERM here, so a stop with a long timeout is in flight for 60 s.
    const stubborn = await createTestContainer({ cmd: ['sleep', '3600'] })
    const { agent, url } = await startAgent()
    const client = createHttpAgentClient({ url, token: TOKEN })
    const pending = client.stopService(stubborn.name, { timeoutSeconds: 60 }).catch((err) => err)
    await new Promise((r) => setTimeout(r, 500))
    await agent.stop('SIGKILL')
    const started = Date.now()
    const err = await pending
    expect(Date.now() - started).toBeLessThan(5000)
    expect(err).toMatchObject({ status: 503, code: 'agent_unavailable' })
  })

  it('has its event relays reconnect, say reset, and carry on with live events', async () => {
    const svc = await createTestContainer()
    const first = await startAgent()
    const port = Number(new URL(first.url).port)
    const relay = createEventRelay({ url: first.url, token: TOKEN, retryMs: 200 })
    const ac = new AbortController()
    const items: FeedItem[] = []
    const subscription = relay.subscribe({ signal: ac.signal, filter: { services: [svc.name] } })
    void (async () => {
      for await (const item of subscription) items.push(item)
    })()
    await subscription.ready
    await dockerCli('stop', '-t', '1', svc.name)
    const waitFor = async (check: () => boolean) => {
      const deadline = Date.now() + 15_000
      while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
      expect(check()).toBe(true)
    }
    await waitFor(() => items.some((i) => i.kind === 'event' && i.event.data.action === 'stop'))

    await first.agent.stop('SIGKILL')
    await startAgent(port)
    // The new agent has a new event epoch: the relay resumes with the old id and is told to refetch.
    await waitFor(() => items.some((i) => i.kind === 'reset'))
    await dockerCli('start', svc.name)
    await waitFor(() => items.some((i) => i.kind === 'event' && i.event.data.action === 'start'))
    expect(relay.subscriberCount()).toBe(1)
    ac.abort()
    expect(relay.subscriberCount()).toBe(0)
  })
})
