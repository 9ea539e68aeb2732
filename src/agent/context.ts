import type Docker from 'dockerode'
import type { Stores } from '../../storage'
import type { Config } from '../config'
import type { Clock } from '../clock'
import type { EventHub } from '../events/hub'
import type { Limiter } from '../limiter'
import type { Logger } from '../logger'
import type { OperationLocks } from './locks'

/**
 * The infrastructure every part of the host agent works with, complete when it is built: the
 * parts (monitor, backup engine, deployer, bulk runner) are built from it by the composition
 * root (host.ts) and handed to each other there, never looked up through it. The agent has its
 * own stores (in single-host mode the same instance as the API's): agent state such as
 * deployments, monitor settings, metrics history, alert state and backup metadata lives there,
 * next to the engine it describes.
 */
export interface AgentContext {
  docker: Docker
  /**
   * For long-lived streams (log follows, archive transfers, image pulls): their own connections,
   * so they never starve short calls on `docker`'s small pool. Unset (tests with a fake engine): `docker`.
   */
  streams?: Docker
  events: EventHub
  stores: Stores
  config: Config
  logger: Logger
  clock: Clock
  /** Bounds concurrent lifecycle operations: containerd serialises starts, many at once time out. */
  limit: Limiter
  /**
   * The one per-service operation lock of this agent (delete, lifecycle, backup, restore,
   * upload, bulk items, schedules all take it): built once by startHostAgent, never per feature.
   */
  locks: OperationLocks
}
