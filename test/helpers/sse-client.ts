import { readSSE } from '../../src/events/sse-reader'

export interface ReceivedEvent {
  id?: string
  event?: string
  data: string
}

/**
 * A small EventSource: opens `url` with fetch, reads frames with eventsource-parser, and lets a
 * test wait for the frame it expects.
 */
export async function openEventStream(url: string, headers: Record<string, string> = {}) {
  const controller = new AbortController()
  const response = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: controller.signal })
  const received: ReceivedEvent[] = []
  const waiters: { match: (e: ReceivedEvent) => boolean; resolve: (e: ReceivedEvent) => void }[] = []
  let ended = false
  let markConnected: () => void = () => {}
  const connected = new Promise<void>((resolve) => (markConnected = resolve))
  const done = (async () => {
    if (!response.ok || !response.body) return
    try {
      for await (const m of readSSE(
        response.body,
        controller.signal,
        (c) => c.trim() === 'connected' && markConnected(),
      )) {
        const e = { id: m.id, event: m.event, data: m.data }
        received.push(e)
        for (const w of [...waiters]) {
          if (!w.match(e)) continue
          waiters.splice(waiters.indexOf(w), 1)
          w.resolve(e)
        }
      }
    } catch {
      // closed by the test or the server
    } finally {
      ended = true
    }
  })()
  // Event streams announce when they are live; wait for it so a test never acts too early.
  if (response.ok && new URL(url).pathname.endsWith('/events')) {
    await Promise.race([
      connected,
      new Promise((_, reject) => setTimeout(() => reject(new Error('stream never said connected')), 10_000)),
    ])
  }
  return {
    response,
    received,
    /** Resolves when the server says the subscription is live (`: connected`). */
    connected,
    get ended() {
      return ended
    },
    done,
    waitFor(match: (e: ReceivedEvent) => boolean, timeoutMs = 5000): Promise<ReceivedEvent> {
      const seen = received.find(match)
      if (seen) return Promise.resolve(seen)
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(`no matching event within ${timeoutMs} ms; got ${received.map((r) => r.event).join(',')}`),
            ),
          timeoutMs,
        )
        waiters.push({
          match,
          resolve: (e) => {
            clearTimeout(timer)
            resolve(e)
          },
        })
      })
    },
    close() {
      controller.abort()
    },
  }
}
