import type { Readable } from 'node:stream'
import type Docker from 'dockerode'
import type { EventPublisher } from '../events/types'
import { createBackoff } from '../backoff'
import type { Logger } from '../logger'
import { LABELS, MANAGED_FILTER } from './labels'

/** Docker container actions published as `container-event`. */
const PUBLISHED = new Set([
  'create',
  'start',
  'restart',
  'stop',
  'kill',
  'die',
  'oom',
  'pause',
  'unpause',
  'health_status',
  'destroy',
  'rename',
  'update',
])

interface DockerEvent {
  Type?: string
  Action?: string
  status?: string
  id?: string
  time?: number
  timeNano?: number
  Actor?: { ID?: string; Attributes?: Record<string, string> }
}

export interface DockerEventWatcher {
  /** Resolves once the first subscription to the engine is open (or failed once). */
  ready: Promise<void>
  stop(): void
}

/**
 * Follows the engine's event stream for managed containers and publishes `container-event`.
 * When the stream ends (the engine restarted, the socket broke) it reconnects with `since` set
 * to the last event seen, so nothing that happened in between is lost, and skips duplicates.
 * Reconnects back off from `retryMs` to `maxRetryMs`; only changes of state are logged (lost
 * once, restored once), so an engine that is down for an hour writes two lines, not thousands.
 * `onStreamChange(false)` when an open stream ends or breaks, `(true)` when it is open again:
 * the host agent resyncs its inventory and drops its cached engine facts then.
 */
export function watchDockerEvents(
  docker: Docker,
  events: EventPublisher,
  logger: Logger,
  options: { retryMs?: number; maxRetryMs?: number; onStreamChange?: (up: boolean) => void } = {},
): DockerEventWatcher {
  const backoff = createBackoff({ initialMs: options.retryMs ?? 1000, maxMs: options.maxRetryMs ?? 30_000 })
  let failedSince: number | undefined
  let failedAttempts = 0
  let stopped = false
  let current: Readable | undefined
  let lastNano = 0
  let up = false
  let everUp = false
  let timer: ReturnType<typeof setTimeout> | undefined
  let markReady: () => void = () => {}
  const ready = new Promise<void>((resolve) => (markReady = resolve))

  async function connect() {
    if (stopped) return
    try {
      const since = lastNano ? Math.floor(lastNano / 1e9) : undefined
      const stream = (await docker.getEvents({
        ...(since ? { since } : {}),
        filters: { type: ['container'], label: [MANAGED_FILTER] },
      } as Docker.GetEventsOptions)) as unknown as Readable
      current = stream
      markReady()
      backoff.reset()
      if (failedSince !== undefined) {
        logger.info({
          msg: 'docker events stream restored',
          downMs: Date.now() - failedSince,
          attempts: failedAttempts,
        })
        failedSince = undefined
        failedAttempts = 0
      }
      if (everUp && !up) options.onStreamChange?.(true)
      everUp = up = true
      let rest = ''
      for await (const chunk of stream) {
        const lines = (rest + chunk.toString('utf8')).split('\n')
        rest = lines.pop() ?? ''
        for (const line of lines) if (line.trim()) handle(JSON.parse(line) as DockerEvent)
      }
    } catch (err) {
      if (!stopped) {
        failedAttempts += 1
        if (failedSince === undefined) {
          failedSince = Date.now()
          logger.warn({
            msg: 'docker events stream lost; reconnecting with backoff',
            error: String((err as Error)?.message ?? err),
          })
        }
      }
    } finally {
      markReady()
      current = undefined
      // Ended cleanly (the engine restarted) or broke: either way what we hold may be stale now.
      if (up && !stopped) options.onStreamChange?.(false)
      up = false
      if (!stopped) timer = setTimeout(connect, backoff.next())
    }
  }

  function handle(e: DockerEvent) {
    const nano = e.timeNano ?? (e.time ?? 0) * 1e9
    if (nano <= lastNano) return
    lastNano = nano
    const raw = e.Action ?? e.status ?? ''
    // Health changes arrive as "health_status: healthy"; exec events as "exec_start: sh".
    const [action, detail] = raw.split(': ')
    if (!action || !PUBLISHED.has(action)) return
    const attrs = e.Actor?.Attributes ?? {}
    const containerId = e.Actor?.ID ?? e.id ?? ''
    events.publish('container-event', {
      action,
      containerId,
      serviceId: attrs[LABELS.id] ?? attrs.name ?? containerId,
      serviceName: attrs.name ?? containerId,
      name: attrs.name,
      image: attrs.image,
      ...(action === 'die' ? { exitCode: Number(attrs.exitCode ?? NaN) } : {}),
      ...(action === 'kill' ? { signal: attrs.signal } : {}),
      ...(action === 'health_status' ? { health: detail } : {}),
      timestamp: new Date(nano / 1e6).toISOString(),
    })
  }

  void connect()
  return {
    ready,
    stop() {
      stopped = true
      if (timer) clearTimeout(timer)
      current?.destroy()
    },
  }
}
