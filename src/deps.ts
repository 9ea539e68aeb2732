import type { AgentClient } from './agent/client'
import type { Config } from './config'
import type { EventFeed } from './events/types'
import type { Logger } from './logger'
import type { Session, Stores } from '../storage'

export interface Clock {
  now(): number
}

export const systemClock: Clock = { now: () => Date.now() }

/** Everything a handler may use, injected per app (ARCHITECTURE §2). */
export interface AppDeps {
  config: Config
  stores: Stores
  agent: AgentClient
  events: EventFeed
  clock: Clock
  logger: Logger
}

export interface AppEnv {
  /** `session`: set when the request was authenticated by the session cookie (not a bearer token). */
  Variables: AppDeps & { requestId: string; authenticated: boolean; session?: Session & { id: string } }
}
