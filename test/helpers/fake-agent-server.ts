import { afterAll, beforeAll } from 'vitest'
import { createAgentServer } from '../../src/agent/server'
import { createEventHub } from '../../src/events/hub'
import { silentLogger } from '../../src/logger'
import { createFakeAgent, type FakeService } from './fake-agent'
import { listen } from './targets'

export const AGENT_TEST_TOKEN = 'agent-unit-token-0123456789'

/**
 * The fake agent behind the real agent HTTP server on a loopback port, for the suite it is
 * called in: what split and edge modes talk to, without Docker.
 */
export function serveFakeAgent(services: FakeService[] = []) {
  const hub = createEventHub()
  const fake = createFakeAgent(hub, services)
  let server: Awaited<ReturnType<typeof listen>> | undefined
  beforeAll(async () => {
    server = await listen(
      createAgentServer({ agent: fake.agent, events: hub, token: AGENT_TEST_TOKEN, logger: silentLogger }),
    )
  })
  afterAll(async () => server?.close())
  return {
    ...fake,
    hub,
    token: AGENT_TEST_TOKEN,
    get url() {
      return server!.url
    },
    /** `POST /rpc/<method>` with `{ args }`, as the HTTP client sends it. */
    rpc: (method: string, args: unknown, token = AGENT_TEST_TOKEN) =>
      fetch(`${server!.url}/rpc/${method}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ args }),
      }),
  }
}
