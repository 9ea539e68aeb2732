import type { Server } from 'node:http'
import { describe, expect, it } from 'vitest'
import { listenOrExit } from '../../src/listen'

describe('the Node HTTP servers of npm start and npm run agent', () => {
  it('put no total deadline on a request (a large upload takes long) but still bound the headers', async () => {
    const settings = { port: 0, host: '127.0.0.1', portVariable: 'PORT', hostVariable: 'HOST' }
    const server = (await listenOrExit(settings, Promise.resolve({ fetch: () => new Response('ok') }))) as Server
    try {
      // Node's default, 300 s, answered 408 to any upload still arriving after five minutes.
      expect(server.requestTimeout).toBe(0)
      expect(server.headersTimeout).toBeGreaterThan(0)
      expect(server.headersTimeout).toBeLessThanOrEqual(60_000)
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }
  })
})
