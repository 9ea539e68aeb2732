import type { ServerType } from '@hono/node-server'

type ClosableServer = ServerType & { closeIdleConnections?: () => void }

/**
 * Stops accepting connections and waits for requests in flight. Keep-alive sockets go idle only
 * after their last response (an SSE stream ends once its feed is closed), so idle ones are
 * closed repeatedly until the server is done; a deadline bounds the wait.
 */
export function closeServer(server: ServerType, deadlineMs = 5000): Promise<void> {
  const s = server as ClosableServer
  return new Promise((resolve) => {
    const sweep = setInterval(() => s.closeIdleConnections?.(), 100)
    const deadline = setTimeout(() => {
      ;(s as { closeAllConnections?: () => void }).closeAllConnections?.()
    }, deadlineMs)
    s.close(() => {
      clearInterval(sweep)
      clearTimeout(deadline)
      resolve()
    })
    s.closeIdleConnections?.()
  })
}
