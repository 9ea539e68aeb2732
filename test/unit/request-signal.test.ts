import type { Context } from 'hono'
import { describe, expect, it } from 'vitest'
import { requestSignal } from '../../src/request-signal'
import { buildTestApp } from '../helpers/app'

/** A context whose request counts how often it is asked for (a class: no accessor literal). */
class CountingRequest {
  reads = 0
  readonly signal = new AbortController().signal
  get raw() {
    this.reads++
    return { signal: this.signal }
  }
}

describe('the request signal handed to agent calls', () => {
  it("is the request's own signal, taken from the request only when read", () => {
    const req = new CountingRequest()
    const options = requestSignal({ req } as unknown as Context)
    expect(req.reads).toBe(0)
    expect(options.signal).toBe(req.signal)
    expect(req.reads).toBe(1)
  })

  it('is the abort signal of a real request', async () => {
    const { app } = await buildTestApp()
    let seen: AbortSignal | undefined
    const probe = app.get('/probe-signal', async (c) => {
      seen = requestSignal(c).signal
      return c.text('ok')
    })
    await probe.request('/probe-signal')
    expect(seen).toBeInstanceOf(AbortSignal)
    expect(seen!.aborted).toBe(false)
  })
})
