import type { EventSourceMessage } from 'eventsource-parser'
import { agentFetch, type HttpAgentOptions } from '../agent/http-client'
import type { Logger } from '../logger'
import { encodeFrame, resetFrame } from './frame'
import { BoundedQueue } from './queue'
import { readSSE } from './sse-reader'
import type { AppEvent, EventFeed, FeedItem, SubscribeOptions, Subscription } from './types'

/**
 * An EventFeed that relays the agent's `GET /events` SSE stream (split and edge modes). Each
 * subscriber gets its own upstream connection with its filters and Last-Event-ID; when the agent
 * drops or restarts, the relay reconnects with the last id it saw, so nothing is missed (or the
 * agent answers with `reset`).
 */
export function createEventRelay(
  options: HttpAgentOptions & { logger?: Logger; retryMs?: number; queueLimit?: number },
): EventFeed {
  const live = new Set<() => void>()
  const retryMs = options.retryMs ?? 1000

  return {
    subscribe(sub: SubscribeOptions): Subscription {
      const controller = new AbortController()
      let markReady: () => void = () => {}
      const ready = new Promise<void>((resolve) => (markReady = resolve))
      const queue = new BoundedQueue<FeedItem>(options.queueLimit ?? 1000)
      const finish = () => {
        controller.abort()
        live.delete(finish)
        queue.end()
        markReady()
      }
      sub.signal?.addEventListener('abort', finish, { once: true })
      if (sub.signal?.aborted) finish()
      else live.add(finish)

      void (async () => {
        let lastEventId = sub.lastEventId
        while (!controller.signal.aborted) {
          try {
            const query = new URLSearchParams()
            if (sub.filter?.types?.length) query.set('types', sub.filter.types.join(','))
            if (sub.filter?.services?.length) query.set('services', sub.filter.services.join(','))
            if (sub.filter?.deploymentId) query.set('deploymentId', sub.filter.deploymentId)
            const response = await agentFetch(options, `/events?${query}`, {
              headers: lastEventId ? { 'last-event-id': lastEventId } : {},
              signal: controller.signal,
            })
            markReady()
            for await (const message of readSSE(response.body!, controller.signal)) {
              const item = toItem(message)
              if (item.kind === 'event') lastEventId = item.event.id
              if (!queue.push(item)) {
                finish()
                sub.onOverflow?.()
                return
              }
            }
          } catch (err) {
            if (controller.signal.aborted) return
            options.logger?.warn({ msg: 'event relay lost the agent', error: String((err as Error).message ?? err) })
          }
          if (!controller.signal.aborted) await new Promise((r) => setTimeout(r, retryMs))
        }
      })()

      return {
        ready,
        [Symbol.asyncIterator]: () => ({
          next: () => queue.next(),
          return: async () => (finish(), { value: undefined, done: true as const }),
        }),
      }
    },
    subscriberCount: () => live.size,
    close() {
      for (const finish of [...live]) finish()
    },
  }
}

/** The agent's frame as a feed item; the data is re-framed as received, not re-serialised. */
function toItem(message: EventSourceMessage): FeedItem {
  if (message.event === 'reset') {
    const data = JSON.parse(message.data) as { reason?: unknown; timestamp?: unknown }
    const reason = String(data.reason)
    const timestamp = typeof data.timestamp === 'string' ? data.timestamp : new Date().toISOString()
    return { kind: 'reset', reason, frame: resetFrame(reason, timestamp) }
  }
  const event: AppEvent = { id: message.id!, type: message.event as AppEvent['type'], data: JSON.parse(message.data) }
  return { kind: 'event', event, frame: encodeFrame({ id: event.id, event: event.type, data: message.data }) }
}
