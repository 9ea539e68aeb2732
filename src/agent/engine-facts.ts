import type Docker from 'dockerode'
import type { DockerStatus } from './client'
import { toAppError } from './docker-errors'

const DISCONNECTED: DockerStatus = { status: 'disconnected', version: null, apiVersion: null }

export interface EngineFactsOptions {
  /** How long a good answer is kept; the events watcher also drops it when the stream is lost or back. */
  maxAgeMs?: number
  /** How long "disconnected" is kept: a down engine is asked again this often, not per request. */
  retryMs?: number
  /** False while the agent's last resync failed: a cached "connected" is then not trusted. */
  reachable?: () => boolean
  now?: () => number
}

/**
 * Engine version and info, cached. Docker's `/version` forks processes inside dockerd on every
 * call (PERFORMANCE.md: a health check asking per request tops out near 400 req/s and loads the
 * host), and neither changes while the engine runs. Concurrent callers share one call.
 */
export function createEngineFacts(docker: Docker, options: EngineFactsOptions = {}) {
  const maxAgeMs = options.maxAgeMs ?? 30_000
  const retryMs = options.retryMs ?? 1000
  const now = options.now ?? Date.now
  const reachable = options.reachable ?? (() => true)
  let version: { value: DockerStatus; at: number } | null = null
  let info: { value: Record<string, unknown>; at: number } | null = null
  let versionCall: Promise<DockerStatus> | null = null
  let infoCall: Promise<Record<string, unknown>> | null = null

  const fresh = (at: number, connected: boolean) => now() - at < (connected && reachable() ? maxAgeMs : retryMs)

  return {
    status(): Promise<DockerStatus> {
      if (version && fresh(version.at, version.value.status === 'connected')) return Promise.resolve(version.value)
      versionCall ??= docker
        .version()
        .then(
          (v): DockerStatus => ({ status: 'connected', version: v.Version, apiVersion: v.ApiVersion }),
          () => DISCONNECTED,
        )
        .then((value) => {
          version = { value, at: now() }
          return value
        })
        .finally(() => (versionCall = null))
      return versionCall
    },

    /** Docker's `/info`; a failure is thrown (as AppError) and not cached. */
    info(): Promise<Record<string, unknown>> {
      if (info && fresh(info.at, true)) return Promise.resolve(info.value)
      infoCall ??= (docker.info() as Promise<Record<string, unknown>>)
        .then(
          (value) => {
            info = { value, at: now() }
            return value
          },
          (err) => {
            throw toAppError(err)
          },
        )
        .finally(() => (infoCall = null))
      return infoCall
    },

    /** The engine may have changed (restarted, upgraded, went away): ask again next time. */
    invalidate() {
      version = null
      info = null
    },
  }
}

export type EngineFacts = ReturnType<typeof createEngineFacts>
