import type { Context } from 'hono'
import { streamSSE, type SSEStreamingApi } from 'hono/streaming'
import type { LogLine } from '../schemas/service'
import type { EventFeed, EventFilter } from './types'

const DEFAULT_HEARTBEAT_MS = 15_000

const reportStreamError = async () => {}

/** Keeps proxies and the browser from timing out an idle stream; stops with the stream. */
function heartbeat(stream: SSEStreamingApi, everyMs: number) {
  const timer = setInterval(() => void stream.write(': heartbeat\n\n'), everyMs)
  stream.onAbort(() => clearInterval(timer))
  return () => clearInterval(timer)
}

/** A signal that fires when the client goes away or the stream is aborted. */
function abortSignalOf(stream: SSEStreamingApi, request: Request): AbortController {
  const controller = new AbortController()
  stream.onAbort(() => controller.abort())
  if (request.signal.aborted) controller.abort()
  else request.signal.addEventListener('abort', () => controller.abort(), { once: true })
  return controller
}

/**
 * Streams a feed as SSE frames (`id`, `event`, `data`). The subscription is tied to the
 * client's connection and removed when it goes; a client that stops reading falls behind, is
 * dropped by the feed, and its stream aborted rather than buffered without bound.
 */
export function streamFeed(
  c: Context,
  feed: EventFeed,
  options: { filter?: EventFilter; lastEventId?: string; heartbeatMs?: number },
) {
  return streamSSE(
    c,
    async (stream) => {
      const controller = abortSignalOf(stream, c.req.raw)
      const stopHeartbeat = heartbeat(stream, options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS)
      try {
        const items = feed.subscribe({
          filter: options.filter,
          lastEventId: options.lastEventId,
          signal: controller.signal,
          onOverflow: () => stream.abort(),
        })
        await items.ready
        // `retry`: come back soon after a drop (EventSource resends Last-Event-ID then).
        // `: connected`: from here on nothing published is missed — a client may act now.
        await stream.write('retry: 2000\n: connected\n\n')
        for await (const item of items) {
          if (stream.aborted) break
          if (item.kind === 'reset') await stream.writeSSE({ event: 'reset', data: JSON.stringify({ reason: item.reason, timestamp: new Date().toISOString() }) })
          else await stream.writeSSE({ id: item.event.id, event: item.event.type, data: JSON.stringify(item.event.data) })
        }
      } finally {
        stopHeartbeat()
        controller.abort()
      }
    },
    // Hono then writes `event: error` with the message; without a callback it only logs.
    reportStreamError,
  )
}

/** Streams log lines as `event: log` frames and a final `event: end` when the container stops. */
export function streamLogLines(c: Context, open: (signal: AbortSignal) => AsyncIterable<LogLine>) {
  return streamSSE(
    c,
    async (stream) => {
      const controller = abortSignalOf(stream, c.req.raw)
      const stopHeartbeat = heartbeat(stream, DEFAULT_HEARTBEAT_MS)
      try {
        for await (const line of open(controller.signal)) {
          if (stream.aborted) break
          await stream.writeSSE({ event: 'log', data: JSON.stringify(line) })
        }
        if (!stream.aborted) await stream.writeSSE({ event: 'end', data: JSON.stringify({ reason: 'stream ended' }) })
      } finally {
        stopHeartbeat()
        controller.abort()
      }
    },
    // Hono then writes `event: error` with the message; without a callback it only logs.
    reportStreamError,
  )
}
