import type { Context } from 'hono'
import { getConnInfo } from '@hono/node-server/conninfo'
import { clientKey } from './client-key'

/**
 * The peer address of the socket on Node. X-Forwarded-For is not read: any client can write
 * it, and nothing here knows which proxy, if any, sits in front.
 */
export function nodeClientAddress(c: Context): string | undefined {
  try {
    return clientKey(getConnInfo(c).remote.address)
  } catch {
    // app.request() in tests has no socket.
    return undefined
  }
}
