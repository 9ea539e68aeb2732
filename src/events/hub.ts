import { eventFrame, resetFrame } from './frame'
import { BoundedQueue } from './queue'
import {
  matchesFilter,
  type AppEvent,
  type EventFilter,
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
  const subscribers = new Set<HubSubscription>()
  let seq = 0

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
        if (!matchesFilter(event, sub.filter)) continue
        if (!sub.push(item)) {
          sub.cancel()
          sub.onOverflow?.()
        }
      }
      return event
    },

    subscribe(options: SubscribeOptions): Subscription {
      // A filter that selects nothing is kept as none, so the request's filter object can go.
      const filter = hasCriteria(options.filter) ? options.filter : undefined
      const replay = (options.lastEventId ? replayFrom(options.lastEventId) : []).filter(
        (item) => item.kind === 'reset' || matchesFilter(item.event, filter),
      )
      // Room for the whole replay on top of the live allowance.
      const sub = new HubSubscription(queueLimit + replay.length, filter, options.onOverflow, subscribers)
      for (const item of replay) sub.push(item)
      if (options.signal?.aborted) {
        sub.end()
        return sub
      }
      subscribers.add(sub)
      options.signal?.addEventListener('abort', () => sub.cancel(), { once: true })
      return sub
    },

    subscriberCount: () => subscribers.size,

    close() {
      for (const sub of [...subscribers]) sub.cancel()
    },
  }
}

function seqOf(event: AppEvent): number {
  return Number(event.id.slice(event.id.indexOf('-') + 1))
}

// In-process, a subscriber is live the moment it is added: one settled promise serves them all.
const READY = Promise.resolve()

/**
 * One subscriber: its queue, filter and overflow callback in one object with its methods on the
 * prototype, iterable (and pollable) itself. Thousands of idle streams each hold one of these,
 * so it carries no closures and no promise of its own.
 */
class HubSubscription extends BoundedQueue<FeedItem> implements Subscription {
  constructor(
    limit: number,
    readonly filter: EventFilter | undefined,
    readonly onOverflow: (() => void) | undefined,
    private readonly subscribers: Set<HubSubscription>,
  ) {
    super(limit)
  }

  get ready(): Promise<void> {
    return READY
  }

  /** Leaves the hub and ends the queue (what is still queued is not delivered). */
  cancel() {
    if (this.subscribers.delete(this)) this.end()
  }

  override return(): Promise<IteratorResult<FeedItem>> {
    this.cancel()
    return super.return()
  }
}

function hasCriteria(filter: EventFilter | undefined): filter is EventFilter {
  return !!(filter && (filter.types?.length || filter.services?.length || filter.deploymentId))
}
