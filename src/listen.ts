import { createAdaptorServer, type ServerType } from '@hono/node-server'
import { type NodeFetch as Fetch, withNodeEventStreams } from './node-sse'
import { NODE_SERVER_OPTIONS } from './server-options'

/** Names the settings a listener comes from, so a failure to bind can say which one to change. */
export interface ListenSettings {
  port: number
  host: string
  portVariable: string
  hostVariable: string
}

/**
 * Binds the listener before anything is written (token, store), so a busy port or a bad host
 * ends the start with one line naming the variable and leaves the data directory untouched.
 * Requests that arrive before `app` is ready wait for it.
 */
export async function listenOrExit(settings: ListenSettings, app: Promise<{ fetch: Fetch }>): Promise<ServerType> {
  let ready: { fetch: Fetch } | undefined
  void app.then((a) => (ready = a))
  const server = createAdaptorServer({
    // No total request deadline (uploads take long and have their own idle timeout).
    serverOptions: NODE_SERVER_OPTIONS,
    // Event streams are written straight to the socket (src/node-sse.ts).
    fetch: withNodeEventStreams((req, env) => (ready ? ready.fetch(req, env) : app.then((a) => a.fetch(req, env)))),
  })
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(settings.port, settings.host, () => {
        server.off('error', reject)
        resolve()
      })
    })
  } catch (err) {
    console.error(listenProblem(settings, err as NodeJS.ErrnoException))
    process.exit(1)
  }
  return server
}

/** Our own words for why a listener could not bind; the errno alone means little to a user. */
export function listenProblem(s: ListenSettings, err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'EADDRINUSE':
      return `${s.portVariable}=${s.port} is already in use on ${s.host}: stop what listens there or set ${s.portVariable} to a free port`
    case 'EACCES':
      return `${s.portVariable}=${s.port} needs privileges to listen on: set ${s.portVariable} to a port above 1023`
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
      return `${s.hostVariable}=${s.host} cannot be resolved: set ${s.hostVariable} to an address of this machine (default 127.0.0.1)`
    case 'EADDRNOTAVAIL':
      return `${s.hostVariable}=${s.host} is not an address of this machine: set ${s.hostVariable} to one of its addresses (default 127.0.0.1)`
    default:
      return `cannot listen on ${s.hostVariable}=${s.host} ${s.portVariable}=${s.port}: ${err.message}`
  }
}

/** The port the listener got (PORT=0 picks a free one). */
export function boundPort(server: ServerType): number {
  const address = server.address()
  return typeof address === 'object' && address ? address.port : 0
}
