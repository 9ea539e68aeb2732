import type { AddressInfo } from 'node:net'
import { serve, type ServerType } from '@hono/node-server'
import { afterAll, beforeAll, describe } from 'vitest'
import { withNodeEventStreams } from '../../src/node-sse'
import { NODE_SERVER_OPTIONS } from '../../src/server-options'
import { assertDocumented } from './openapi-check'

type FetchApp = { fetch: (req: Request, env?: unknown) => Response | Promise<Response> }

/** How a suite reaches the app: `app.request()` in-process, or real HTTP to a Node server. */
export interface Target {
  mode: 'in-process' | 'node-server'
  request(path: string, init?: RequestInit): Promise<Response>
  /** Base URL when served over HTTP (for EventSource-like clients), else undefined. */
  baseUrl?: string
}

export async function listen(app: FetchApp): Promise<{ url: string; server: ServerType; close: () => Promise<void> }> {
  const server = await new Promise<ServerType>((resolve) => {
    // As src/listen.ts composes it for `npm start`: event streams written straight to the socket.
    const fetch = withNodeEventStreams((req, env) => app.fetch(req, env))
    const s = serve({ fetch, port: 0, hostname: '127.0.0.1', serverOptions: NODE_SERVER_OPTIONS }, () => resolve(s))
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        ;(server as { closeAllConnections?: () => void }).closeAllConnections?.()
        server.close(() => resolve())
      }),
  }
}

/**
 * Runs a suite twice (STYLE: Tests): once through `app.request()` and once through
 * @hono/node-server on port 0, so what passes in-process also passes over a real socket.
 */
export function describeBothWays(name: string, getApp: () => FetchApp, suite: (target: () => Target) => void) {
  describe.each(['in-process', 'node-server'] as const)(`${name} [%s]`, (mode) => {
    let target: Target
    let close: (() => Promise<void>) | undefined
    beforeAll(async () => {
      // Every answer is checked against the OpenAPI document (test/helpers/openapi-check.ts).
      const checked = async (path: string, init: RequestInit | undefined, res: Response) => {
        await assertDocumented(init?.method ?? 'GET', path, res)
        return res
      }
      if (mode === 'in-process') {
        target = {
          mode,
          request: async (path, init) =>
            checked(path, init, await getApp().fetch(new Request(`http://localhost${path}`, init))),
        }
      } else {
        const served = await listen({ fetch: (req) => getApp().fetch(req) })
        close = served.close
        target = {
          mode,
          baseUrl: served.url,
          request: async (path, init) => checked(path, init, await fetch(`${served.url}${path}`, init)),
        }
      }
    })
    afterAll(async () => close?.())
    suite(() => target)
  })
}
