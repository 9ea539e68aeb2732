import type { z } from 'zod'

/**
 * How a method crosses the wire between the API and the agent:
 * - `call`: `POST /rpc/<method>`, answered when done, within the client's deadline;
 * - `long`: `POST /rpc/<method>` that may run longer than an HTTP client waits for response
 *   headers (undici: 5 min) — a deploy pulling a large image, a backup, a restore, a bulk
 *   operation. The agent answers at once and sends the JSON result when done, with whitespace
 *   (valid JSON padding) every 15 s so the connection never looks idle; only the caller's
 *   signal bounds it;
 * - `stream`: a route of its own with a streamed body (logs as SSE, archive download, upload).
 */
export type Transport = 'call' | 'long' | 'stream'

/**
 * One RPC method: `args` are its positional arguments followed by its options object (without
 * `signal`, which never crosses the wire) exactly as sent in `{ args: [...] }`; `result` is
 * what the agent may answer. The agent validates `args`, the client parses `result`.
 */
export interface RpcSpec<A extends z.ZodTuple = z.ZodTuple, R extends z.ZodType = z.ZodType> {
  transport: 'call' | 'long'
  args: A
  result: R
}

/** A streamed method: its route is its own (see http-client.ts and server.ts); `result` where it answers JSON. */
export interface StreamSpec<R extends z.ZodType | undefined = z.ZodType | undefined> {
  transport: 'stream'
  result: R
}

export type MethodSpec = RpcSpec | StreamSpec

export const call = <A extends z.ZodTuple, R extends z.ZodType>(args: A, result: R): RpcSpec<A, R> => ({
  transport: 'call',
  args,
  result,
})
export const long = <A extends z.ZodTuple, R extends z.ZodType>(args: A, result: R): RpcSpec<A, R> => ({
  transport: 'long',
  args,
  result,
})
export const stream = <R extends z.ZodType | undefined = undefined>(result?: R): StreamSpec<R> => ({
  transport: 'stream',
  result: result as R,
})
