import { Hono, type MiddlewareHandler } from 'hono'
import { describe, expect, it } from 'vitest'
import { chain } from '../../src/middleware-chain'
import { auth, buildTestApp } from '../helpers/app'

const onError = (err: Error, c: { json: (b: unknown, s: 401) => Response }) => c.json({ error: err.message }, 401)

describe('middleware chained as one, with Hono’s semantics between them', () => {
  it('runs members in order around the rest of the app, each one seeing what follows it', async () => {
    const seen: string[] = []
    const step =
      (name: string): MiddlewareHandler =>
      async (_c, next) => {
        seen.push(`${name} in`)
        await next()
        seen.push(`${name} out`)
      }
    const app = new Hono().use('*', chain(onError, step('a'), step('b'))).get('/x', (c) => {
      seen.push('handler')
      return c.text('ok')
    })
    expect(await (await app.request('/x')).text()).toBe('ok')
    expect(seen).toEqual(['a in', 'b in', 'handler', 'b out', 'a out'])
  })

  it('an error a member throws is the error answer before the member before it goes on', async () => {
    const app = new Hono()
      .use(
        '*',
        chain(
          onError,
          async (c, next) => {
            await next()
            c.res.headers.set('x-seen-by-first', String(c.res.status))
          },
          () => {
            throw new Error('no token')
          },
        ),
      )
      .get('/x', (c) => c.text('never'))
    const res = await app.request('/x')
    expect(res.status).toBe(401)
    expect(await res.json()).toEqual({ error: 'no token' })
    expect(res.headers.get('x-seen-by-first')).toBe('401')
  })

  it('members that only hand on pass errors and answers through unchanged', async () => {
    const handOn: MiddlewareHandler = (_c, next) => next()
    const seenByFirst: number[] = []
    const first: MiddlewareHandler = async (c, next) => {
      await next()
      seenByFirst.push(c.res.status)
    }
    const app = new Hono()
      .use(
        '/deny/*',
        chain(onError, first, handOn, handOn, () => {
          throw new Error('no token')
        }),
      )
      .use('/ok/*', chain(onError, first, handOn, handOn))
      .get('/deny/x', (c) => c.text('never'))
      .get('/ok/x', (c) => c.text('ok', 202))
      .get('/ok/fails', () => {
        throw new Error('handler failed')
      })
      .onError((err, c) => c.json({ error: err.message }, 500))
    const denied = await app.request('/deny/x')
    expect(denied.status).toBe(401)
    expect(await denied.json()).toEqual({ error: 'no token' })
    const ok = await app.request('/ok/x')
    expect(ok.status).toBe(202)
    expect(await ok.text()).toBe('ok')
    const failed = await app.request('/ok/fails')
    expect(failed.status).toBe(500)
    expect(await failed.json()).toEqual({ error: 'handler failed' })
    expect(seenByFirst).toEqual([401, 202, 500])
  })

  it('as in Hono: an answer returned after the rest answered is ignored, and a thrown non-Error is not an answer', async () => {
    const late: MiddlewareHandler = async (c, next) => {
      await next()
      return c.text('late', 500)
    }
    const app = new Hono()
      .use('/late/*', chain(onError, late))
      .use(
        '/odd/*',
        chain(onError, () => {
          throw 'not an Error'
        }),
      )
      .get('/late/x', (c) => c.text('first', 200))
      .get('/odd/x', (c) => c.text('never'))
    const res = await app.request('/late/x')
    expect([res.status, await res.text()]).toEqual([200, 'first'])
    await expect(app.request('/odd/x')).rejects.toBe('not an Error')
  })

  it('an answer a member gives itself ends the chain', async () => {
    let reached = false
    const app = new Hono()
      .use(
        '*',
        chain(
          onError,
          async (c) => c.body(null, 204),
          (_c, next) => {
            reached = true
            return next()
          },
        ),
      )
      .get('/x', (c) => c.text('never'))
    const res = await app.request('/x')
    expect(res.status).toBe(204)
    expect(reached).toBe(false)
  })

  it('the API: an allowed origin can read a 401 and a 429, whose CORS headers are set around them', async () => {
    const { app } = await buildTestApp({ env: { ZAPIE_CORS_ORIGINS: 'http://ui.test', ZAPIE_RATE_LIMIT: '1' } })
    const origin = { origin: 'http://ui.test' }
    const denied = await app.request('/api/services', {
      headers: { ...origin, authorization: 'Bearer wrong-wrong-wrong' },
    })
    expect(denied.status).toBe(401)
    expect(denied.headers.get('access-control-allow-origin')).toBe('http://ui.test')
    await app.request('/api/services', { headers: { ...auth, ...origin } })
    const limited = await app.request('/api/services', { headers: { ...auth, ...origin } })
    expect(limited.status).toBe(429)
    expect(limited.headers.get('access-control-allow-origin')).toBe('http://ui.test')
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/)
  })
})
