import type { Context } from 'hono'
import type { AgentClient } from './agent/api'
import type { SecretCheck } from './secret-check'
import type { Clock } from './clock'
import type { Config } from './config'
import type { EventFeed } from './events/types'
import type { Logger } from './logger'
import type { Session, Stores } from '../storage'

export { systemClock, type Clock } from './clock'

/** Everything a handler may use, injected per app (ARCHITECTURE §2). */
export interface AppDeps {
  config: Config
  stores: Stores
  agent: AgentClient
  events: EventFeed
  clock: Clock
  logger: Logger
  /**
   * Who is calling, for per-client limits: the socket's peer on Node, `cf-connecting-ip` on
   * Workers. Without it every client shares one budget.
   */
  clientAddress?: (c: Context) => string | undefined
  /** How the API token is compared; Web Crypto unless the runtime has something cheaper (Node). */
  secretCheck?: SecretCheck
}

export interface AppEnv {
  /** `session`: set when the request was authenticated by the session cookie (not a bearer token). */
  Variables: Omit<AppDeps, 'clientAddress'> & {
    requestId: string
    authenticated: boolean
    client: string
    session?: Session & { id: string }
    /** The app's OpenAPI document (built from its own routes on first use). */
    openapi: () => Record<string, unknown>
  }
}
