import { serve } from '@hono/node-server'
import { createStores } from '../../storage'
import { ConfigError, loadConfig, type Config } from '../config'
import { createLogger } from '../logger'
import { loadOrCreateSecret } from '../secret-file'
import { closeServer } from '../shutdown'
import { startHostAgent } from './host'
import { createAgentServer } from './server'

/** `npm run agent`: the host agent's HTTP API on ZAPIE_AGENT_HOST:ZAPIE_AGENT_PORT (127.0.0.1:5001). */
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
  const token = loadOrCreateSecret(`${config.dataDir}/agent-token`, config.agentToken)
  if (token.created) {
    console.log(`\nZapieRakyat agent token (stored in ${config.dataDir}/agent-token, mode 0600):\n\n  ${token.value}\n`)
  }
  const stores = await createStores(config)
  const host = startHostAgent({ config, stores, logger })
  const app = createAgentServer({ agent: host.client, events: host.hub, token: token.value, logger, heartbeatMs: config.sseHeartbeatMs })
  const server = serve({ fetch: app.fetch, port: config.agentPort, hostname: config.agentHost }, (info) => {
    logger.info({ msg: 'agent listening', url: `http://${config.agentHost}:${info.port}` })
  })
  // A client that never finishes sending its headers must not hold a socket forever.
  ;(server as { headersTimeout?: number }).headersTimeout = 15_000

  const shutdown = () => {
    host.hub.close()
    void closeServer(server).then(async () => {
      await host.close()
      await stores.close()
      process.exit(0)
    })
  }
  process.on('SIGTERM', shutdown)
  process.on('SIGINT', shutdown)
}

void main()
