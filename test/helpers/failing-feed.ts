import { encodeFrame } from '../../src/events/frame'
import type { EventFeed, FeedItem } from '../../src/events/types'

/** A feed that sends one event, then fails with `error`: what a client sees when a stream breaks. */
export function failingFeed(error: Error): EventFeed {
  const item: FeedItem = {
    kind: 'event',
    event: { id: 'e-1', type: 'service-action', data: { n: 1, timestamp: new Date().toISOString() } },
    frame: encodeFrame({ id: 'e-1', event: 'service-action', data: '{"n":1}' }),
  }
  return {
    subscribe: () => ({
      ready: Promise.resolve(),
      async *[Symbol.asyncIterator]() {
        yield item
        throw error
      },
    }),
    subscriberCount: () => 0,
    close() {},
  }
}
