import type Docker from 'dockerode'
import { AppError } from '../../errors'
import type { EventFeed, FeedItem } from '../../events/types'
import { toAppError } from '../docker-errors'

export interface ReadyOptions {
  /** The spec's healthcheck timings (ns): when present, ready means `healthy`. */
  healthcheck: { intervalNs: number; timeoutNs: number; retries: number; startPeriodNs: number } | null
  /** Without a healthcheck, how long the container must stay up to count as started. */
  graceMs?: number
  /** Re-inspects this often in case a docker event was missed (the events stream reconnecting). */
  pollMs?: number
}

const MAX_HEALTH_WAIT_MS = 10 * 60_000

/**
 * Resolves once the new container is ready: healthy when it has a healthcheck, otherwise still
 * running after a short grace period. Waits on the agent's container events (`die`,
 * `health_status`) rather than sleeping, with a slow re-inspect as a safety net. Rejects with
 * 409 `service_exited` or `service_unhealthy` and the exit code.
 */
export async function waitUntilReady(
  docker: Docker,
  events: EventFeed,
  containerId: string,
  options: ReadyOptions,
): Promise<void> {
  const hc = options.healthcheck
  const budgetMs = hc
    ? Math.min(
        MAX_HEALTH_WAIT_MS,
        (hc.startPeriodNs + (hc.intervalNs + hc.timeoutNs) * (hc.retries + 1)) / 1e6 + 30_000,
      )
    : (options.graceMs ?? 1000)
  const deadline = Date.now() + budgetMs
  const controller = new AbortController()
  const feed = events.subscribe({
    signal: controller.signal,
    filter: { types: ['container-event'], services: [containerId] },
  })
  const iterator = feed[Symbol.asyncIterator]()
  let pending: Promise<IteratorResult<FeedItem>> | null = null
  let feedEnded = false
  try {
    for (;;) {
      const info = await inspect(docker, containerId)
      const state = info.State
      // With a restart policy a crashed service may already be running again: count the restarts.
      if (!state.Running || state.Restarting || info.RestartCount > 0) {
        throw new AppError(
          409,
          'service_exited',
          `The service exited right after it started (exit code ${state.ExitCode})`,
        )
      }
      const health = state.Health?.Status
      if (hc && health === 'healthy') return
      if (hc && health === 'unhealthy')
        throw new AppError(409, 'service_unhealthy', 'The service started but its healthcheck reports it unhealthy')
      const left = deadline - Date.now()
      if (left <= 0) {
        if (!hc) return
        throw new AppError(
          504,
          'service_not_ready',
          `The service did not become healthy within ${Math.round(budgetMs / 1000)} s`,
        )
      }
      // Wake on the next container event, or re-inspect after a while.
      const nap = sleep(Math.min(left, options.pollMs ?? 2000)).then(() => null)
      if (feedEnded) {
        await nap
        continue
      }
      pending ??= iterator.next()
      const woke = await Promise.race([pending, nap])
      if (woke) pending = null
      if (woke?.done) feedEnded = true
    }
  } finally {
    controller.abort()
    void iterator.return?.()
  }
}

async function inspect(docker: Docker, id: string) {
  try {
    return await docker.getContainer(id).inspect()
  } catch (err) {
    throw toAppError(err, 'service')
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))
