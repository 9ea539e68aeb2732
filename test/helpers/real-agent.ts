import type { BackupEngineOptions } from '../../src/agent/backup/engine'
import { createHttpAgentClient } from '../../src/agent/http-client'
import { startHostAgent } from '../../src/agent/host'
import type { MonitorOptions } from '../../src/agent/monitor/monitor-options'
import { createAgentServer } from '../../src/agent/server'
import { loadConfig } from '../../src/config'
import { createEventRelay } from '../../src/events/relay'
import { createStores, type Stores } from '../../storage'
import { silentLogger } from '../../src/logger'
import { buildTestApp } from './app'
import { docker } from './docker'
import { listen } from './targets'

export type AgentMode = 'in-process' | 'http'
export const AGENT_MODES: AgentMode[] = ['in-process', 'http']
const AGENT_TOKEN = 'agent-test-token-0123456789'

/**
 * The API wired to the real agent and the real engine: in-process, or through the agent's HTTP
 * server on a loopback port with its token, the way split and edge deployments run.
 */
export async function appWithRealAgent(
  mode: AgentMode,
  options: {
    dataDir?: string
    monitor?: Partial<MonitorOptions>
    stores?: Stores
    env?: Record<string, string>
    backups?: BackupEngineOptions
    docker?: typeof docker
  } = {},
) {
  // `env` configures both sides alike (e.g. ZAPIE_BIND_MOUNT_ALLOWLIST), as an operator would.
  const config = loadConfig({
    ZAPIE_STORAGE: 'memory',
    LOG_LEVEL: 'silent',
    ZAPIE_DATA_DIR: options.dataDir ?? '/nonexistent',
    ...options.env,
  })
  const stores = options.stores ?? (await createStores(config))
  const host = startHostAgent({
    config,
    stores,
    docker: options.docker ?? docker,
    logger: silentLogger,
    monitor: options.monitor,
    backups: options.backups,
  })
  await host.ready
  if (mode === 'in-process') {
    const built = await buildTestApp({ agent: host.client, events: host.hub, hub: host.hub, stores, env: options.env })
    return { ...built, host, close: () => host.close() }
  }
  const agentServer = await listen(
    createAgentServer({
      agent: host.client,
      events: host.hub,
      token: AGENT_TOKEN,
      logger: silentLogger,
      logFollowMax: config.followStreamsTotal,
    }),
  )
  const remote = { url: agentServer.url, token: AGENT_TOKEN }
  const events = createEventRelay({ ...remote, retryMs: 100 })
  const built = await buildTestApp({ agent: createHttpAgentClient(remote), events, hub: host.hub, env: options.env })
  return {
    ...built,
    host,
    agentUrl: agentServer.url,
    close: async () => {
      events.close()
      await agentServer.close()
      await host.close()
    },
  }
}
