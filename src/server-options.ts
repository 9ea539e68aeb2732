import type { ServerOptions } from 'node:http'

/**
 * For every Node HTTP server this project starts (API and agent). Node's default
 * `requestTimeout` of 300 s cuts any request whose body takes longer, answering 408: a 10 GiB
 * backup upload would need more than 34 MB/s. Uploads have an idle timeout of their own
 * (ZAPIE_UPLOAD_IDLE_TIMEOUT_MS) instead; headers stay bounded by `headersTimeout` (60 s), and other
 * bodies by the JSON body limit.
 */
// Explicit: Node derives the headers timeout from the request timeout, and 0 would mean none.
export const NODE_SERVER_OPTIONS: ServerOptions = { requestTimeout: 0, headersTimeout: 60_000 }
