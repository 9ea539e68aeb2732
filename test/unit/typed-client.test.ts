import { hc } from 'hono/client'
import { describe, expect, it } from 'vitest'
import type { AppType } from '../../src/app'
import { auth, buildTestApp } from '../helpers/app'
import { fakeService } from '../helpers/fake-agent'

describe('typed client (hc<AppType>)', () => {
  it('calls the API with typed routes and typed responses', async () => {
    const { app } = await buildTestApp({ services: [fakeService('zapie-web-1')] })
    const client = hc<AppType>('http://localhost', {
      fetch: (input: RequestInfo | URL, init?: RequestInit) => app.request(input, init),
      headers: auth,
    })
    const res = await client.api.services[':containerId'].stop.$post({
      param: { containerId: 'zapie-web-1' },
      query: {},
    })
    expect(res.status).toBe(200)
    if (res.status === 200) {
      const body = await res.json()
      // `body.service.isRunning` is typed: this line would not compile if the route lost its types.
      const running: boolean = body.service.isRunning
      expect(running).toBe(false)
    }
  })
})
