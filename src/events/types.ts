export const EVENT_TYPES = [
  'container-event',
  'service-action',
  'deployment-progress',
  'health-update',
  'metrics-update',
  'health-alert',
  'backup-progress',
  'bulk-progress',
] as const

export type EventType = (typeof EVENT_TYPES)[number]

/** One published event. `id` is `<epoch>-<sequence>`: the epoch changes whenever the hub restarts. */
export interface AppEvent {
  id: string
  type: EventType
  data: Record<string, unknown> & { timestamp: string }
}

/**
 * What a subscriber receives: events, or a `reset` when its Last-Event-ID cannot be replayed.
 * `frame` is the item as SSE bytes, encoded once and shared by every subscriber.
 */
export type FeedItem =
  | { kind: 'event'; event: AppEvent; frame: Uint8Array }
  | { kind: 'reset'; reason: string; frame: Uint8Array }

export interface EventFilter {
  types?: readonly string[]
  services?: readonly string[]
  deploymentId?: string
}

export interface SubscribeOptions {
  lastEventId?: string
  filter?: EventFilter
  /**
   * Ends the subscription; wire it to the client's connection. Without one, the subscription
   * ends when its iteration does (`return()`), which spares a stream an AbortController.
   */
  signal?: AbortSignal
  /** Called when the subscriber fell too far behind and was dropped. */
  onOverflow?: () => void
}

/** A live subscription. `ready` resolves once events published from now on will arrive. */
export type Subscription = AsyncIterable<FeedItem> & {
  ready: Promise<void>
  /**
   * Only on a subscription that is live the moment it is made (`ready` already settled), read
   * without a promise per item: the next item, `null` once it ended, or `undefined` when none
   * waits — `wake` is then called once, synchronously, when one does. Don't mix with iterating.
   */
  poll?(wake: () => void): FeedItem | null | undefined
}

/** A source of events for SSE clients: the hub itself, or a relay of a remote agent's hub. */
export interface EventFeed {
  subscribe(options: SubscribeOptions): Subscription
  /** Live subscriptions, for tests and the health endpoint. */
  subscriberCount(): number
  /** Ends every subscription (graceful shutdown). */
  close(): void
}

/** Where the agent publishes what happens. */
export interface EventPublisher {
  publish(type: EventType, data: Record<string, unknown>): AppEvent
}

export function matchesFilter(event: AppEvent, filter: EventFilter | undefined): boolean {
  if (!filter) return true
  if (filter.types?.length && !filter.types.includes(event.type)) return false
  if (filter.deploymentId && event.data.deploymentId !== filter.deploymentId) return false
  if (filter.services?.length) {
    const { serviceId, containerId } = event.data
    return filter.services.some(
      (s) =>
        s === serviceId ||
        s === containerId ||
        (typeof containerId === 'string' && s.length >= 12 && containerId.startsWith(s)),
    )
  }
  return true
}
