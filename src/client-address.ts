import type { Context } from 'hono'
import { clientKey } from './client-key'

// A connection's peer never changes: its key is worked out once, for its first request (held
// weakly: it goes with the socket). Per request it cost an object from hono's getConnInfo and
// the key's parsing, ~3 % of a small read's CPU over keep-alive connections.
const keyBySocket = new WeakMap<object, string | undefined>()

/**
 * The peer address of the socket on Node. X-Forwarded-For is not read: any client can write
 * it, and nothing here knows which proxy, if any, sits in front.
 */
export function nodeClientAddress(c: Context): string | undefined {
  const socket = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket
  // app.request() in tests has no socket.
  if (!socket) return undefined
  if (keyBySocket.has(socket)) return keyBySocket.get(socket)
  const key = clientKey(socket.remoteAddress)
  keyBySocket.set(socket, key)
  return key
}
