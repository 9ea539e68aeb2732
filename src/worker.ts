import kvDriver from 'unstorage/drivers/cloudflare-kv-binding'
import memoryDriver from 'unstorage/drivers/memory'
import { createStores } from '../storage'
import { createHttpAgentClient } from './agent/http-client'
import { createApp } from './app'
import { clientKey } from './client-key'
import { ConfigError, loadConfig } from './config'
import { systemClock, type AppDeps } from './deps'
import { AppError } from './errors'
import { createEventRelay } from './events/relay'
import { createLogger } from './logger'

/** The bindings wrangler.toml and `wrangler secret put` provide. */
export interface WorkerEnv {
  AGENT_URL?: string
  AGENT_TOKEN?: string
  API_TOKEN?: string
  CORS_ORIGINS?: string
  LOG_LEVEL?: string
  /** As ZAPIE_WEBHOOK_ALLOW_PRIVATE on the agent: where alert webhooks may go besides public hosts. */
  WEBHOOK_ALLOW_PRIVATE?: string
  /** SameSite of the browser session cookie: lax (default), strict, none (a UI on another site). */
  SESSION_SAMESITE?: string
  /** A KV namespace binding; without one, state lives in the isolate's memory. */
  ZAPIE_KV?: unknown
}

// One set of dependencies per env object: Workers reuse an isolate across requests.
const depsByEnv = new WeakMap<WorkerEnv, Promise<AppDeps>>()

async function buildDeps(env: WorkerEnv): Promise<AppDeps> {
  let config: ReturnType<typeof loadConfig>
  try {
    config = loadConfig({
      ZAPIE_API_TOKEN: env.API_TOKEN,
      ZAPIE_AGENT_URL: env.AGENT_URL,
      ZAPIE_AGENT_TOKEN: env.AGENT_TOKEN,
      ZAPIE_CORS_ORIGINS: env.CORS_ORIGINS,
      LOG_LEVEL: env.LOG_LEVEL,
      ZAPIE_WEBHOOK_ALLOW_PRIVATE: env.WEBHOOK_ALLOW_PRIVATE,
      ZAPIE_SESSION_SAMESITE: env.SESSION_SAMESITE,
      ZAPIE_STORAGE: 'memory',
    })
  } catch (err) {
    // The problems name variables, never their values: safe to show the operator.
    if (err instanceof ConfigError)
      throw new AppError(503, 'misconfigured', `The Worker is misconfigured: ${err.problems.join('; ')}`)
    throw err
  }
  if (!config.agentUrl || !config.agentToken) {
    throw new AppError(
      503,
      'misconfigured',
      'The Worker is misconfigured: set the AGENT_URL var and the AGENT_TOKEN secret',
    )
  }
  const logger = createLogger(config.logLevel)
  const agentOptions = { url: config.agentUrl, token: config.agentToken }
  const driver = env.ZAPIE_KV ? kvDriver({ binding: env.ZAPIE_KV as never }) : memoryDriver()
  return {
    config,
    stores: await createStores(config, { driver }),
    agent: createHttpAgentClient(agentOptions),
    events: createEventRelay({ ...agentOptions, logger }),
    clock: systemClock,
    logger,
    // Cloudflare sets it from the connection; a client cannot choose it.
    clientAddress: (c) => clientKey(c.req.header('cf-connecting-ip')),
  }
}

const app = createApp((c) => {
  const env = c.env as WorkerEnv
  let deps = depsByEnv.get(env)
  if (!deps) {
    deps = buildDeps(env)
    // A failed build is not cached: fixing a secret takes effect without a redeploy.
    deps.catch(() => depsByEnv.delete(env))
    depsByEnv.set(env, deps)
  }
  return deps
})

export default app
