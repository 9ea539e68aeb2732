import { createStores } from '../storage'
import { createHttpAgentClient } from './agent/http-client'
import { createApp } from './app'
import { loadConfig } from './config'
import { systemClock, type AppDeps } from './deps'
import { createEventRelay } from './events/relay'
import { createLogger } from './logger'

/** The bindings wrangler.toml and `wrangler secret put` provide. */
export interface WorkerEnv {
  AGENT_URL?: string
  AGENT_TOKEN?: string
  API_TOKEN?: string
  CORS_ORIGINS?: string
  LOG_LEVEL?: string
}

// One set of dependencies per env object: Workers reuse an isolate across requests.
const depsByEnv = new WeakMap<WorkerEnv, Promise<AppDeps>>()

async function buildDeps(env: WorkerEnv): Promise<AppDeps> {
  const config = loadConfig({
    ZAPIE_API_TOKEN: env.API_TOKEN,
    ZAPIE_AGENT_URL: env.AGENT_URL,
    ZAPIE_AGENT_TOKEN: env.AGENT_TOKEN,
    ZAPIE_CORS_ORIGINS: env.CORS_ORIGINS,
    LOG_LEVEL: env.LOG_LEVEL,
    ZAPIE_STORAGE: 'memory',
  })
  const logger = createLogger(config.logLevel)
  const agentOptions = { url: config.agentUrl ?? 'http://agent-url-not-configured.invalid', token: config.agentToken ?? '' }
  return {
    config,
    // Workers storage (a KV binding) arrives with the edge mode; until then state is per isolate.
    stores: await createStores(config),
    agent: createHttpAgentClient(agentOptions),
    events: createEventRelay({ ...agentOptions, logger }),
    clock: systemClock,
    logger,
  }
}

const app = createApp((c) => {
  const env = c.env as WorkerEnv
  let deps = depsByEnv.get(env)
  if (!deps) {
    deps = buildDeps(env)
    depsByEnv.set(env, deps)
  }
  return deps
})

export default app
