import { serve } from '@hono/node-server'
import { createStores } from '../../storage'
import { createLogger } from '../logger'
import { NODE_SERVER_OPTIONS } from '../server-options'
import { closeServer } from '../shutdown'
import { configOrExit, tokenOrCreate } from '../startup'
import { startHostAgent } from './host'
import { createAgentServer } from './server'

/** `npm run agent`: the host agent's HTTP API on ZAPIE_AGENT_HOST:ZAPIE_AGENT_PORT (127.0.0.1:5001). */
async function main() {
  const config = configOrExit()
  const logger = createLogger(config.logLevel)
  const token = tokenOrCreate(config, 'agent-token', config.agentToken, 'agent')
  const stores = await createStores(config)
  const host = startHostAgent({ config, stores, logger })
  const app = createAgentServer({ agent: host.client, events: host.hub, token, logger, heartbeatMs: config.sseHeartbeatMs, logFollowMax: config.followStreamsTotal })
  const server = serve({ fetch: app.fetch, port: config.agentPort, hostname: config.agentHost, serverOptions: NODE_SERVER_OPTIONS }, (info) => {
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
