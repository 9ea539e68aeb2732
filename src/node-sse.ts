import type { ServerResponse } from 'node:http'
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response'
import { HEARTBEAT_FRAME } from './events/frame'
import { type FrameSource, type SseHandoff, takeSseHandoff } from './events/sse'

// `env` carries Node's incoming/outgoing objects, as @hono/node-server hands them to `fetch`.
export type NodeFetch = (request: Request, env: unknown) => Response | Promise<Response>

/**
 * The Node listener's `fetch`: what the app answers, except that an SSE stream of the app
 * (src/events/sse.ts) is written by us straight to the `ServerResponse`. Through the adapter
 * every idle stream held its Request wrapper, the Hono Context, the Response, its web stream and
 * the adapter's reader — twice what plain node:http holds per connection. Here a stream holds
 * its subscription and the socket; the status and every header the middleware set (request id,
 * CORS, cache-control …) and every byte sent are the same as through the adapter.
 */
export function withNodeEventStreams(fetch: NodeFetch): NodeFetch {
  return (request, env) => {
    const res = fetch(request, env)
    return res instanceof Promise ? res.then((r) => sendOrPass(request, r, env)) : sendOrPass(request, res, env)
  }
}

function sendOrPass(request: Request, res: Response, env: unknown): Response {
  const handoff = takeSseHandoff(request)
  if (!handoff) return res
  const outgoing = (env as { outgoing?: ServerResponse } | undefined)?.outgoing
  if (res.body !== handoff.body) {
    // A HEAD answer (Hono drops the body) or an error answered after the handler: nobody will
    // ever read this stream, so release its subscription now instead of never.
    if (!handoff.body.locked) void handoff.body.cancel().catch(() => {})
    return res
  }
  if (!outgoing || outgoing.headersSent) return res
  return writeStream(handoff, res, outgoing) ? RESPONSE_ALREADY_SENT : res
}

/** Sends the stream's status, headers and frames to `outgoing`; false if its source was already in use. */
function writeStream(handoff: SseHandoff, res: Response, outgoing: ServerResponse): boolean {
  // The closures below must not hold `handoff`: it holds the web body this path lets go.
  const { heartbeatMs, failed } = handoff
  let stopped = false
  let source: FrameSource | undefined
  const stop = (endResponse: boolean) => {
    if (stopped) return
    stopped = true
    heartbeats.remove(heartbeatMs, outgoing)
    outgoing.off('close', onClose)
    outgoing.off('drain', pump)
    source?.end()
    if (endResponse) outgoing.end()
  }
  const onClose = () => stop(false)
  const onFrame = (frame: Uint8Array | null) => {
    if (stopped) return
    if (!frame) return stop(true)
    // Backpressure: a full socket buffer waits for 'drain', and unsent frames wait in the
    // feed's bounded queue, which drops a client that falls too far behind.
    if (outgoing.write(frame)) pump()
    else outgoing.once('drain', pump)
  }
  const onError = (err: unknown) => {
    if (stopped) return
    outgoing.write(failed(err))
    stop(true)
  }
  const pump = () => {
    if (stopped) return
    try {
      source?.next().then(onFrame, onError)
    } catch (err) {
      // A source that throws rather than rejects fails the stream the same way.
      onError(err)
    }
  }

  source = handoff.take(() => stop(true))
  if (!source) return false
  // The web body is not read from here on: cancelling it lets it, the Response and the Context go.
  void handoff.body.cancel().catch(() => {})
  if (outgoing.destroyed) {
    // Gone before the first byte: nothing to send, only the subscription to release.
    stop(false)
    return true
  }
  outgoing.writeHead(res.status, outgoingHeaders(res.headers))
  outgoing.flushHeaders()
  // @hono/node-server's own 'close' listener would abort the request's signal, and holds the
  // request wrapper and its Headers for as long as the stream is open. Nothing reads that signal
  // once the stream is ours: our listener below is what ends the subscription.
  for (const listener of outgoing.listeners('close')) outgoing.off('close', listener as () => void)
  // The client left (or the socket failed): unsubscribe at once.
  outgoing.on('close', onClose)
  heartbeats.add(heartbeatMs, outgoing)
  pump()
  return true
}

/** The response's headers as `writeHead` takes them, `set-cookie` kept as separate lines. */
function outgoingHeaders(headers: Headers): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {}
  for (const [name, value] of headers) if (name !== 'set-cookie') out[name] = value
  const cookies = headers.getSetCookie()
  if (cookies.length) out['set-cookie'] = cookies
  return out
}

/**
 * One timer per heartbeat interval for every stream instead of one per stream: a heartbeat goes
 * to each stream whose socket buffer is empty (a stalled client holds none), so every open
 * stream hears from the server at least once an interval, as through the web body.
 */
const heartbeats = (() => {
  const groups = new Map<number, { timer: ReturnType<typeof setInterval>; streams: Set<ServerResponse> }>()
  return {
    add(ms: number, outgoing: ServerResponse) {
      let group = groups.get(ms)
      if (!group) {
        const streams = new Set<ServerResponse>()
        const timer = setInterval(() => {
          for (const stream of streams) if (stream.writableLength === 0) stream.write(HEARTBEAT_FRAME)
        }, ms)
        // Open sockets keep the process alive; the timer alone must not.
        timer.unref()
        group = { timer, streams }
        groups.set(ms, group)
      }
      group.streams.add(outgoing)
    },
    remove(ms: number, outgoing: ServerResponse) {
      const group = groups.get(ms)
      if (!group?.streams.delete(outgoing) || group.streams.size) return
      clearInterval(group.timer)
      groups.delete(ms)
    },
  }
})()
