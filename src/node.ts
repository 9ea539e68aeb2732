import { createNodeStores } from './node-stores'
import { createHttpAgentClient } from './agent/http-client'
import { createApp } from './app'
import { nodeClientAddress } from './client-address'
import { systemClock, type AppDeps } from './deps'
import { createEventRelay } from './events/relay'
import { boundPort, listenOrExit } from './listen'
import { createNodeLogger } from './node-logger'
import { constantTimeEqual } from './node-secret-check'
import { closeServer } from './shutdown'
import { configOrExit, tokenOrCreate } from './startup'

/** `npm start`: the API on Node, with the agent in-process or, given ZAPIE_AGENT_URL, over HTTP. */
async function main() {
  const env = configOrExit()
  const logger = createNodeLogger(env.logLevel)
  let resolveApp!: (app: ReturnType<typeof createApp>) => void
  const app = new Promise<ReturnType<typeof createApp>>((resolve) => (resolveApp = resolve))
  const server = await listenOrExit({ port: env.port, host: env.host, portVariable: 'PORT', hostVariable: 'HOST' }, app)

  const config = { ...env, apiToken: tokenOrCreate(env, 'api-token', env.apiToken, 'API') }
  const stores = await createNodeStores(config)
  const remote = config.agentUrl ? { url: config.agentUrl, token: config.agentToken! } : undefined
  // Imported only for the in-process agent: in split mode dockerode and the agent's code are
  // never loaded (a separate chunk of the bundle).
  const host = remote ? undefined : (await import('./agent/host')).startHostAgent({ config, stores, logger })
  const deps: AppDeps = {
    config,
    stores,
    agent: remote ? createHttpAgentClient(remote) : host!.client,
    events: remote ? createEventRelay({ ...remote, logger }) : host!.hub,
    clock: systemClock,
    logger,
    clientAddress: nodeClientAddress,
    secretCheck: constantTimeEqual,
  }
  resolveApp(createApp(() => deps))
  logger.info({
    msg: 'listening',
    url: `http://${config.host}:${boundPort(server)}`,
    agent: remote ? remote.url : 'in-process',
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
      // Waits for a log write under way (a slow reader of stdout), then writes out the rest.
      await logger.settle()
      process.exit(0)
    })
  }
  process.on('SIGTERM', () => shutdown('SIGTERM'))
  process.on('SIGINT', () => shutdown('SIGINT'))
}

void main()
