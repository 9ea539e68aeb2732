import { createNodeStores } from '../node-stores'
import { nodeClientAddress } from '../client-address'
import { boundPort, listenOrExit } from '../listen'
import { createNodeLogger } from '../node-logger'
import { closeServer } from '../shutdown'
import { configOrExit, tokenOrCreate } from '../startup'
import { startHostAgent } from './host'
import { createAgentServer } from './server'

/** `npm run agent`: the host agent's HTTP API on ZAPIE_AGENT_HOST:ZAPIE_AGENT_PORT (127.0.0.1:5001). */
async function main() {
  const config = configOrExit()
  const logger = createNodeLogger(config.logLevel)
  let resolveApp!: (app: ReturnType<typeof createAgentServer>) => void
  const app = new Promise<ReturnType<typeof createAgentServer>>((resolve) => (resolveApp = resolve))
  const listen = {
    port: config.agentPort,
    host: config.agentHost,
    portVariable: 'ZAPIE_AGENT_PORT',
    hostVariable: 'ZAPIE_AGENT_HOST',
  }
  const server = await listenOrExit(listen, app)
  // A client that never finishes sending its headers must not hold a socket forever.
  ;(server as { headersTimeout?: number }).headersTimeout = 15_000

  const token = tokenOrCreate(config, 'agent-token', config.agentToken, 'agent')
  const stores = await createNodeStores(config)
  const host = startHostAgent({ config, stores, logger })
  resolveApp(
    createAgentServer({
      agent: host.client,
      events: host.hub,
      token,
      logger,
      heartbeatMs: config.sseHeartbeatMs,
      clientAddress: nodeClientAddress,
      logFollowMax: config.followStreamsTotal,
    }),
  )
  logger.info({ msg: 'agent listening', url: `http://${config.agentHost}:${boundPort(server)}` })

  const shutdown = () => {
    host.hub.close()
    void closeServer(server).then(async () => {
      await host.close()
      await stores.close()
      // Waits for a log write under way (a slow reader of stdout), then writes out the rest.
      await logger.settle()
      process.exit(0)
    })
  }
  process.on('SIGTERM', shutdown)
  process.on('SIGINT', shutdown)
}

void main()
