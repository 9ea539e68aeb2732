import type { Context } from 'hono'
import { AppError } from '../errors'
import type { Logger } from '../logger'
import type { LogLine } from '../schemas/service'
import { CONNECTED_FRAME, encodeFrame, HEARTBEAT_FRAME } from './frame'
import type { EventFeed, EventFilter, FeedItem, Subscription } from './types'

const DEFAULT_HEARTBEAT_MS = 15_000
const GENERIC_ERROR = 'The stream failed; reconnect to resume'

/** Where a failing stream is reported: the server log, tagged with the request it served. */
export interface StreamReport {
  logger: Logger
  requestId?: string
}

/** Frames to send, one at a time: `null` when there are no more. */
export interface FrameSource {
  next(): Promise<Uint8Array | null>
  /**
   * Optional, the same frames without a promise each: the next frame, `null` when there are no
   * more, or `undefined` when none is ready yet — `wake` is then called once when one is (poll
   * again from there). A writer that can block on its socket (Node) uses it when present.
   */
  poll?(wake: () => void): Uint8Array | null | undefined
  /** The client went away or the stream ended: release what the source holds. */
  end(): void
}

/**
 * What a runtime that can write to its socket itself (Node, src/node-sse.ts) needs to send an
 * SSE response without reading its web body: the same frames, heartbeats and error report.
 */
export interface SseHandoff {
  /** The body this stream was built with: the handoff only applies to a response that still carries it. */
  readonly body: ReadableStream<Uint8Array>
  readonly heartbeatMs: number
  /**
   * Detaches the frame source from the web body, which from then on does nothing, and sends a
   * cut (a client that fell behind) to `cut`. Undefined once the body was read or ended.
   */
  take(cut: () => void): FrameSource | undefined
  /** Logs a failure of the source with the request id; returns the `event: error` frame to send. */
  failed(err: unknown): Uint8Array
}

// Keyed by the request the stream answers: the Node listener holds that object, and looking it
// up costs nothing for every other response (reading a response's body or headers would).
const handoffs = new WeakMap<Request, SseHandoff>()

/** The SSE stream `request` was answered with, once: the entry goes as it is read. */
export function takeSseHandoff(request: Request): SseHandoff | undefined {
  const handoff = handoffs.get(request)
  if (handoff) handoffs.delete(request)
  return handoff
}

/**
 * An SSE response whose body pulls pre-encoded frames straight from `open`'s source: one web
 * stream, no per-frame encoding, and the runtime's backpressure reaches the source (Node's
 * adapter reads again only once the socket drained). Workers-compatible: no node:* here.
 *
 * `cut()` from the source's owner ends the stream early (a client that fell behind). An error
 * thrown by the source is logged with the request id and sent as `event: error`, showing the
 * client an AppError's message and nothing of an internal one.
 *
 * With `handOff`, the response is also registered as a handoff for its request (`takeSseHandoff`).
 */
function sseResponse(
  c: Context,
  report: StreamReport,
  heartbeatMs: number,
  open: (cut: () => void) => FrameSource,
  handOff = false,
): Response {
  // Hono answers HEAD with the GET handler and drops the body, which nothing then reads or
  // cancels (app.request, Workers): opening the source here would leave its subscription, or a
  // followed log, held for good. The same status and headers, and nothing opened.
  if (c.req.method === 'HEAD') return c.newResponse(null, 200, SSE_HEADERS)
  let source: FrameSource | undefined
  let timer: ReturnType<typeof setInterval> | undefined
  let done = false
  let read = false
  // Where a cut goes: the web body's controller, or whoever took the source over. The source
  // gets `cut`, made out here: made inside `start` it would hold the controller (and the body).
  let onCut = () => {}
  const cut = () => onCut()
  const finish = () => {
    if (done) return
    done = true
    clearInterval(timer)
    timer = undefined
    source?.end()
  }
  // Opened out here, not in `start` (which runs as synchronously), so that `open` — and
  // whatever it closes over — is not kept by the closures below for the stream's life.
  source = open(cut)
  const body = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        // Closing (not erroring) the body: Node's adapter would print an error, and the client
        // only has the frames already in the socket's buffer left to read.
        onCut = () => {
          if (done) return
          finish()
          controller.close()
        }
        // A heartbeat only while nothing is waiting to be sent: a stalled client holds at most one.
        timer = setInterval(() => {
          if (!done && (controller.desiredSize ?? -1) >= 0) controller.enqueue(HEARTBEAT_FRAME)
        }, heartbeatMs)
      },
      async pull(controller) {
        read = true
        try {
          const frame = await source!.next()
          if (done) return
          if (frame) return controller.enqueue(frame)
          finish()
          controller.close()
        } catch (err) {
          if (done) return
          reportStreamError(report, err)
          controller.enqueue(errorFrame(err))
          finish()
          controller.close()
        }
      },
      cancel: finish,
    },
    // Pull a frame only when the runtime asks for one, so unsent frames wait in the feed's bounded queue.
    { highWaterMark: 0 },
  )
  // Event feeds only: a log stream's end is tied to its request's signal (follow slots), which
  // the Node path lets go.
  if (handOff)
    handoffs.set(c.req.raw, {
      body,
      heartbeatMs,
      take(cut) {
        if (done || read) return undefined
        // `done` silences the web body (its pull, cancel and heartbeat) without ending the source.
        done = true
        clearInterval(timer)
        timer = undefined
        onCut = cut
        return source
      },
      failed(err) {
        reportStreamError(report, err)
        return errorFrame(err)
      },
    })
  return c.newResponse(body, 200, SSE_HEADERS)
}

const SSE_HEADERS = {
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache',
  connection: 'keep-alive',
}

function reportStreamError(report: StreamReport, err: unknown) {
  report.logger.error({
    msg: 'event stream failed',
    requestId: report.requestId,
    error: String(err),
    stack: (err as Error)?.stack,
  })
}

function errorFrame(err: unknown): Uint8Array {
  return encodeFrame({ event: 'error', data: err instanceof AppError ? err.message : GENERIC_ERROR })
}

/**
 * Streams a feed as SSE frames (`id`, `event`, `data`), each written as the bytes the feed
 * encoded once for every subscriber. The subscription is tied to the client's connection and
 * removed when it goes; a client that stops reading falls behind, is dropped by the feed, and
 * its stream cut rather than buffered without bound.
 */
export function streamFeed(
  c: Context,
  feed: EventFeed,
  options: { filter?: EventFilter; lastEventId?: string; heartbeatMs?: number } & StreamReport,
) {
  // The report only: the options (and the request's filter) need not live as long as the stream.
  const report: StreamReport = { logger: options.logger, requestId: options.requestId }
  return sseResponse(
    c,
    report,
    options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS,
    (cut) => {
      const items = feed.subscribe({ filter: options.filter, lastEventId: options.lastEventId, onOverflow: cut })
      return items.poll ? new PolledFeedFrames(items) : new FeedFrames(items)
    },
    true,
  )
}

/**
 * A subscription's frames: `retry` and `: connected` first, then each item's shared bytes. One
 * object with prototype methods, and promise chains rather than an async function, so an idle
 * stream holds no closure and no suspended frame of its own.
 */
class FeedFrames implements FrameSource {
  protected greeted = false
  private readonly iterator: AsyncIterator<FeedItem>

  constructor(protected readonly items: Subscription) {
    this.iterator = items[Symbol.asyncIterator]()
  }

  next(): Promise<Uint8Array | null> {
    if (!this.greeted) {
      this.greeted = true
      // `retry`: come back soon after a drop (EventSource resends Last-Event-ID then).
      // `: connected`: from here on nothing published is missed — a client may act now.
      return this.items.ready.then(connectedFrame)
    }
    return this.iterator.next().then(frameOf)
  }

  end() {
    void this.iterator.return?.()
  }
}

/** The same frames from a subscription that is live at once, read with `poll`: nothing parked while idle. */
class PolledFeedFrames extends FeedFrames {
  poll(wake: () => void): Uint8Array | null | undefined {
    if (!this.greeted) {
      this.greeted = true
      return CONNECTED_FRAME
    }
    const item = this.items.poll!(wake)
    return item ? item.frame : item
  }
}

const connectedFrame = () => CONNECTED_FRAME
const frameOf = (result: IteratorResult<FeedItem>) => (result.done ? null : result.value.frame)

/** Streams log lines as `event: log` frames and a final `event: end` when the container stops. */
export function streamLogLines(
  c: Context,
  report: StreamReport,
  open: (signal: AbortSignal) => AsyncIterable<LogLine>,
) {
  return sseResponse(c, report, DEFAULT_HEARTBEAT_MS, () => {
    const controller = new AbortController()
    const iterator = open(controller.signal)[Symbol.asyncIterator]()
    let ended = false
    return {
      async next() {
        if (ended) return null
        const result = await iterator.next()
        if (!result.done) return encodeFrame({ event: 'log', data: JSON.stringify(result.value) })
        ended = true
        return encodeFrame({ event: 'end', data: JSON.stringify({ reason: 'stream ended' }) })
      },
      end() {
        controller.abort()
        void iterator.return?.()?.catch(() => {})
      },
    }
  })
}
