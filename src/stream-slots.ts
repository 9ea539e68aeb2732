import { AppError } from './errors'

export const tooManyStreams = (message: string) => new AppError(429, 'too_many_streams', message)

/**
 * Counts open long-lived streams per client and in all. `acquire` throws 429
 * `too_many_streams` past either cap and otherwise returns a release that is safe to call twice.
 */
export function createStreamSlots() {
  const byClient = new Map<string, number>()
  let open = 0
  return {
    acquire(
      client: string,
      { perClient, total }: { perClient: number; total: number },
      what = 'log follow streams',
    ): () => void {
      const mine = byClient.get(client) ?? 0
      if (open >= total)
        throw tooManyStreams(`Too many open ${what} on this server (${total}); close one and try again`)
      if (mine >= perClient)
        throw tooManyStreams(`Too many open ${what} from this client (${perClient}); close one and try again`)
      byClient.set(client, mine + 1)
      open += 1
      let released = false
      return () => {
        if (released) return
        released = true
        open -= 1
        const left = (byClient.get(client) ?? 1) - 1
        if (left > 0) byClient.set(client, left)
        else byClient.delete(client)
      }
    },
    get open() {
      return open
    },
  }
}

export type StreamSlots = ReturnType<typeof createStreamSlots>

/** Hands `body` through unchanged and calls `release` once it ends, fails or is cancelled. */
export function releaseWithBody(body: ReadableStream<Uint8Array>, release: () => void): ReadableStream<Uint8Array> {
  const reader = body.getReader()
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read()
        if (!done) return controller.enqueue(value)
        release()
        controller.close()
      } catch (err) {
        release()
        controller.error(err)
      }
    },
    cancel(reason) {
      release()
      return reader.cancel(reason)
    },
  })
}
