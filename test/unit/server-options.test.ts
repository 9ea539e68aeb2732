import type { Server } from 'node:http'
import { describe, expect, it } from 'vitest'
import { NODE_SERVER_OPTIONS } from '../../src/server-options'
import { listen } from '../helpers/targets'

describe('the Node HTTP servers', () => {
  it('put no total deadline on a request (a large upload takes long) but still bound the headers', async () => {
    // The entry points (npm start, npm run agent) and the test servers share these options.
    const served = await listen({ fetch: () => new Response('ok') })
    try {
      const server = served.server as Server
      expect(NODE_SERVER_OPTIONS.requestTimeout).toBe(0)
      // Node's default, 300 s, answered 408 to any upload still arriving after five minutes.
      expect(server.requestTimeout).toBe(0)
      expect(server.headersTimeout).toBeGreaterThan(0)
      expect(server.headersTimeout).toBeLessThanOrEqual(60_000)
    } finally {
      await served.close()
    }
  })
})
