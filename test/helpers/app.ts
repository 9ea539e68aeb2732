import { createApp } from '../../src/app'
import type { AgentClient } from '../../src/agent/api'
import { loadConfig, type Config } from '../../src/config'
import type { AppDeps, Clock } from '../../src/deps'
import { createEventHub, type EventHub } from '../../src/events/hub'
import type { EventFeed } from '../../src/events/types'
import { silentLogger, type Logger } from '../../src/logger'
import { createStores, type Stores } from '../../storage'
import { createFakeAgent, type FakeService } from './fake-agent'

export const TEST_TOKEN = 'test-token-0123456789abcdef'
export const auth = { authorization: `Bearer ${TEST_TOKEN}` }

export interface TestAppOptions {
  agent?: AgentClient
  events?: EventFeed
  hub?: EventHub
  services?: FakeService[]
  env?: Record<string, string>
  clock?: Clock
  logger?: Logger
  stores?: Stores
  /** Who the app thinks is calling; tests pass one that reads a test header. */
  clientAddress?: AppDeps['clientAddress']
  /** How the token is compared (the Node composition passes constantTimeEqual). */
  secretCheck?: AppDeps['secretCheck']
}

/** An app with memory storage and, unless given a real one, the fake agent. */
export async function buildTestApp(options: TestAppOptions = {}) {
  const config: Config = loadConfig({
    ZAPIE_API_TOKEN: TEST_TOKEN,
    ZAPIE_STORAGE: 'memory',
    LOG_LEVEL: 'silent',
    ...options.env,
  })
  const hub = options.hub ?? createEventHub()
  const fake = createFakeAgent(hub, options.services ?? [])
  const deps: AppDeps = {
    config,
    stores: options.stores ?? (await createStores(config)),
    agent: options.agent ?? fake.agent,
    events: options.events ?? hub,
    clock: options.clock ?? { now: () => Date.now() },
    logger: options.logger ?? silentLogger,
    ...(options.clientAddress ? { clientAddress: options.clientAddress } : {}),
    ...(options.secretCheck ? { secretCheck: options.secretCheck } : {}),
  }
  return { app: createApp(() => deps), deps, hub, services: fake.services }
}
