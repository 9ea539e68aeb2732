import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { handleError } from '../../src/error-handler'
import { AppError } from '../../src/errors'
import { validate } from '../../src/validate'

function appCounting() {
  const calls = { query: 0, param: 0 }
  const Query = z.object({
    limit: z
      .string()
      .regex(/^\d+$/)
      .transform((v) => {
        calls.query++
        return Number(v)
      }),
    tags: z.array(z.string()).optional(),
  })
  const Params = z.object({
    id: z.string().transform((v) => {
      calls.param++
      return v.toUpperCase()
    }),
  })
  const app = new Hono()
    // Our envelope for refusals; a handler's own TypeError quietly as 500.
    .onError((err, c) => (err instanceof AppError ? handleError(err, c as never) : c.text(err.name, 500)))
    .get('/q', validate('query', Query), (c) => c.json(c.req.valid('query')))
    .get('/p/:id', validate('param', Params), (c) => c.json(c.req.valid('param')))
    .get('/mutate', validate('query', Query), (c) => {
      const q = c.req.valid('query') as { limit: number }
      q.limit = 0
      return c.json(q)
    })
  return { app, calls }
}

describe('query and params validated once per distinct URL', () => {
  it('a repeated query string gives the same value without validating again; another one is validated', async () => {
    const { app, calls } = appCounting()
    expect(await (await app.request('/q?limit=5&tags=a&tags=b')).json()).toEqual({ limit: 5, tags: ['a', 'b'] })
    expect(await (await app.request('/q?limit=5&tags=a&tags=b')).json()).toEqual({ limit: 5, tags: ['a', 'b'] })
    expect(calls.query).toBe(1)
    expect(await (await app.request('/q?limit=6')).json()).toEqual({ limit: 6 })
    expect(calls.query).toBe(2)
  })

  it('a very long query string is validated every time rather than kept', async () => {
    const { app, calls } = appCounting()
    const long = `/q?limit=7&tags=${'x'.repeat(600)}&tags=y`
    for (let i = 0; i < 3; i++) expect((await app.request(long)).status).toBe(200)
    expect(calls.query).toBe(3)
  })

  it('route params too, per path', async () => {
    const { app, calls } = appCounting()
    expect(await (await app.request('/p/abc')).json()).toEqual({ id: 'ABC' })
    expect(await (await app.request('/p/abc')).json()).toEqual({ id: 'ABC' })
    expect(await (await app.request('/p/xyz')).json()).toEqual({ id: 'XYZ' })
    expect(calls.param).toBe(2)
  })

  it('an invalid query is refused every time with its details, never remembered', async () => {
    const { app } = appCounting()
    for (let i = 0; i < 2; i++) {
      const res = await app.request('/q?limit=lots')
      expect(res.status).toBe(400)
      const body = (await res.json()) as { details: { path: string }[] }
      expect(body.details[0]!.path).toBe('query.limit')
    }
  })

  it('what a handler gets cannot be changed for the next request', async () => {
    const { app } = appCounting()
    await app.request('/mutate?limit=5')
    const res = await app.request('/mutate?limit=5')
    expect(res.status).toBe(500)
    expect(await res.text()).toBe('TypeError')
    expect(await (await app.request('/q?limit=5')).json()).toEqual({ limit: 5 })
  })
})
