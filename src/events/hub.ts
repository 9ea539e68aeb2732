import { eventFrame, resetFrame } from './frame'
import { BoundedQueue } from './queue'
import {
  matchesFilter,
  type AppEvent,
  type EventFeed,
  type EventPublisher,
  type EventType,
  type FeedItem,
  type SubscribeOptions,
  type Subscription,
} from './types'

export interface EventHubOptions {
  /** Events kept for Last-Event-ID replay. */
  bufferSize?: number
  /** Events a subscriber may fall behind before it is dropped. */
  queueLimit?: number
  now?: () => number
}

export type EventHub = EventFeed & EventPublisher

type EventItem = Extract<FeedItem, { kind: 'event' }>

const RESET_REASON = 'The requested events are no longer available; refetch state'

/**
 * The in-process event hub: sequence ids, a bounded replay buffer, filtered subscribers. Each
 * event is serialised once, at publish, into one item that every subscriber (and every replay)
 * shares; filters read the parsed event beside it.
 */
export function createEventHub(options: EventHubOptions = {}): EventHub {
  const bufferSize = options.bufferSize ?? 1000
  const queueLimit = options.queueLimit ?? 1000
  const now = options.now ?? Date.now
  // A new epoch per hub makes ids from an earlier run of the process unmistakable.
  const epoch = now().toString(36)
  const buffer: EventItem[] = []
  const subscribers = new Set<{ options: SubscribeOptions; queue: BoundedQueue<FeedItem> }>()
  let seq = 0

  function drop(sub: { options: SubscribeOptions; queue: BoundedQueue<FeedItem> }) {
    if (subscribers.delete(sub)) sub.queue.end()
  }

  function replayFrom(lastEventId: string): FeedItem[] {
    const [idEpoch, idSeq] = lastEventId.split('-')
    const last = Number(idSeq)
    const oldest = buffer[0] ? seqOf(buffer[0].event) : seq + 1
    if (idEpoch !== epoch || !Number.isInteger(last) || last > seq || last < oldest - 1) {
      return [{ kind: 'reset', reason: RESET_REASON, frame: resetFrame(RESET_REASON, new Date(now()).toISOString()) }]
    }
    return buffer.filter((item) => seqOf(item.event) > last)
  }

  return {
    publish(type: EventType, data: Record<string, unknown>) {
      seq += 1
      const event: AppEvent = {
        id: `${epoch}-${seq}`,
        type,
        data: {
          ...data,
          timestamp: typeof data.timestamp === 'string' ? data.timestamp : new Date(now()).toISOString(),
        },
      }
      const item: EventItem = { kind: 'event', event, frame: eventFrame(event) }
      buffer.push(item)
      if (buffer.length > bufferSize) buffer.shift()
      for (const sub of subscribers) {
        if (!matchesFilter(event, sub.options.filter)) continue
        if (!sub.queue.push(item)) {
          drop(sub)
          sub.options.onOverflow?.()
        }
      }
      return event
    },

    subscribe(options: SubscribeOptions): Subscription {
      const replay = (options.lastEventId ? replayFrom(options.lastEventId) : []).filter(
        (item) => item.kind === 'reset' || matchesFilter(item.event, options.filter),
      )
      // Room for the whole replay on top of the live allowance.
      const queue = new BoundedQueue<FeedItem>(queueLimit + replay.length)
      for (const item of replay) queue.push(item)
      const sub = { options, queue }
      if (options.signal?.aborted) {
        queue.end()
        return Object.assign(queue, { ready: Promise.resolve() })
      }
      subscribers.add(sub)
      options.signal?.addEventListener('abort', () => drop(sub), { once: true })
      return {
        // In-process, a subscriber is live the moment it is added.
        ready: Promise.resolve(),
        [Symbol.asyncIterator]: () => ({
          next: () => queue.next(),
          return: async () => {
            drop(sub)
            return { value: undefined, done: true }
          },
        }),
      }
    },

    subscriberCount: () => subscribers.size,

    close() {
      for (const sub of [...subscribers]) drop(sub)
    },
  }
}

function seqOf(event: AppEvent): number {
  return Number(event.id.slice(event.id.indexOf('-') + 1))
}
