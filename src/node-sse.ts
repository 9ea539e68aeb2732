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
  // The stream must not hold `handoff`: it holds the web body this path lets go.
  const stream = new NodeEventStream(outgoing, handoff.heartbeatMs, handoff.failed)
  const source = handoff.take(stream.cut)
  if (!source) return false
  // The web body is not read from here on: cancelling it lets it, the Response and the Context go.
  void handoff.body.cancel().catch(() => {})
  stream.source = source
  if (outgoing.destroyed) {
    // Gone before the first byte: nothing to send, only the subscription to release.
    stream.stop(false)
    return true
  }
  outgoing.writeHead(res.status, outgoingHeaders(res.headers))
  outgoing.flushHeaders()
  dropSentHeaders(outgoing)
  // @hono/node-server's own 'close' listener would abort the request's signal, and holds the
  // request wrapper and its Headers for as long as the stream is open. Nothing reads that signal
  // once the stream is ours: our listener below is what ends the subscription.
  for (const listener of outgoing.listeners('close')) outgoing.off('close', listener as () => void)
  // The client left (or the socket failed): unsubscribe at once.
  outgoing.on('close', stream.onClose)
  heartbeats.add(stream.heartbeatMs, outgoing)
  stream.pump()
  return true
}

/**
 * One event stream being written to its socket. Thousands of idle streams each hold one, so it
 * is one object with its methods on the prototype; only the three callbacks handed to others
 * (the socket's 'close' and 'drain', the source's wake-up and cut) are closures.
 */
class NodeEventStream {
  source: FrameSource | undefined
  private stopped = false
  /** Writes what the source has ready; called again by 'drain' or by the source's wake-up. */
  readonly pump = () => this.write()
  readonly onClose = () => this.stop(false)
  /** The source's owner ends the stream early (a client that fell behind). */
  readonly cut = () => this.stop(true)

  constructor(
    private readonly outgoing: ServerResponse,
    readonly heartbeatMs: number,
    private readonly failed: (err: unknown) => Uint8Array,
  ) {}

  stop(endResponse: boolean) {
    if (this.stopped) return
    this.stopped = true
    const outgoing = this.outgoing
    heartbeats.remove(this.heartbeatMs, outgoing)
    outgoing.off('close', this.onClose)
    outgoing.off('drain', this.pump)
    this.source?.end()
    if (endResponse) outgoing.end()
  }

  private write() {
    if (this.stopped) return
    try {
      if (this.source?.poll) this.pollFrames(this.source)
      // A source without `poll`: a promise per frame.
      else
        this.source?.next().then(
          (frame) => this.onFrame(frame),
          (err) => this.onError(err),
        )
    } catch (err) {
      // A source that throws rather than rejects fails the stream the same way.
      this.onError(err)
    }
  }

  // Without a promise per frame: an idle stream parks only `pump`, which the source calls when a
  // frame is ready. A loop, not recursion, writes a backlog until the socket buffer is full.
  private pollFrames(from: FrameSource) {
    while (!this.stopped) {
      const frame = from.poll!(this.pump)
      if (frame === undefined) return
      if (frame === null) return this.stop(true)
      if (!this.outgoing.write(frame)) return void this.outgoing.once('drain', this.pump)
    }
  }

  private onFrame(frame: Uint8Array | null) {
    if (this.stopped) return
    if (!frame) return this.stop(true)
    // Backpressure: a full socket buffer waits for 'drain', and unsent frames wait in the
    // feed's bounded queue, which drops a client that falls too far behind.
    if (this.outgoing.write(frame)) this.pump()
    else this.outgoing.once('drain', this.pump)
  }

  private onError(err: unknown) {
    if (this.stopped) return
    this.outgoing.write(this.failed(err))
    this.stop(true)
  }
}

// Node keeps every header set with setHeader (request id, CORS, rate limit: src/response-header.ts)
// as a [name, value] pair on the ServerResponse for its whole life, though once they are sent
// only the `_header` text it wrote is used. For thousands of idle streams that is ~0.6 KB each.
// The symbol it keeps them under is found on the first stream's response; if a Node version
// renames it, nothing is dropped and nothing breaks.
let kOutHeaders: symbol | null | undefined

/** Lets the sent headers' pairs go (as a response that only ever used writeHead holds none). */
function dropSentHeaders(outgoing: ServerResponse) {
  if (!outgoing.headersSent) return
  kOutHeaders ??= Object.getOwnPropertySymbols(outgoing).find((s) => s.description === 'kOutHeaders') ?? null
  if (kOutHeaders) (outgoing as unknown as Record<symbol, unknown>)[kOutHeaders] = null
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
