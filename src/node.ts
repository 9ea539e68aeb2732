import { serve } from '@hono/node-server'
import { createStores } from '../storage'
import { createHttpAgentClient } from './agent/http-client'
import { startHostAgent } from './agent/host'
import { createApp } from './app'
import { ConfigError, loadConfig, type Config } from './config'
import { systemClock, type AppDeps } from './deps'
import { createEventRelay } from './events/relay'
import { createLogger } from './logger'
import { loadOrCreateSecret } from './secret-file'
import { closeServer } from './shutdown'

/** `npm start`: the API on Node, with the agent in-process or, given ZAPIE_AGENT_URL, over HTTP. */
async function main() {
  let config: Config
  try {
    config = loadConfig(process.env)
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message)
      process.exit(1)
    }
    throw err
  }
  const logger = createLogger(config.logLevel)
  const token = loadOrCreateSecret(`${config.dataDir}/api-token`, config.apiToken)
  if (token.created) {
    // Printed once, on the run that created it; later runs read it from the file.
    console.log(`\nZapieRakyat API token (stored in ${config.dataDir}/api-token, mode 0600):\n\n  ${token.value}\n`)
  }
  config = { ...config, apiToken: token.value }

  const stores = await createStores(config)
  const remote = config.agentUrl ? { url: config.agentUrl, token: config.agentToken! } : undefined
  const host = remote ? undefined : startHostAgent({ config, stores, logger })
  const deps: AppDeps = {
    config,
    stores,
    agent: remote ? createHttpAgentClient(remote) : host!.client,
    events: remote ? createEventRelay({ ...remote, logger }) : host!.hub,
    clock: systemClock,
    logger,
  }
  const app = createApp(() => deps)
  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
    logger.info({ msg: 'listening', url: `http://${config.host}:${info.port}`, agent: remote ? remote.url : 'in-process' })
  })

  let stopping = false
  const shutdown = (signal: string) => {
    if (stopping) return
    stopping = true
    logger.info({ msg: 'shutting down', signal })
    // Ending every subscription lets open SSE responses finish, so the server can close.
    deps.events.close()
    void closeServer(server).then(async () => {
      await host?.close()
      await stores.close()
      process.exit(0)
    })
  }
  process.on('SIGTERM', () => shutdown('SIGTERM'))
  process.on('SIGINT', () => shutdown('SIGINT'))
}

void main()
