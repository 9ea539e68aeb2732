import { createParser, type EventSourceMessage } from 'eventsource-parser'

/** Reads an SSE response body into messages (eventsource-parser does the framing). */
export async function* readSSE(
  body: ReadableStream<Uint8Array>,
  signal?: AbortSignal,
  onComment?: (comment: string) => void,
): AsyncGenerator<EventSourceMessage> {
  const pending: EventSourceMessage[] = []
  const parser = createParser({ onEvent: (message) => pending.push(message), onComment })
  const reader = body.getReader()
  const decoder = new TextDecoder()
  const cancel = () => void reader.cancel().catch(() => {})
  signal?.addEventListener('abort', cancel, { once: true })
  try {
    while (true) {
      const { done, value } = await reader.read()
      if (done) break
      parser.feed(decoder.decode(value, { stream: true }))
      while (pending.length) yield pending.shift()!
    }
  } finally {
    signal?.removeEventListener('abort', cancel)
    cancel()
  }
}
