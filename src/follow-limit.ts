import type { Context } from 'hono'
import { createMiddleware } from 'hono/factory'
import type { AppEnv } from './deps'
import { LogsQuery } from './schemas/logs'
import { createStreamSlots, releaseWithBody } from './stream-slots'

/**
 * Who a client is, as far as the handler layer can tell without node:*: the peer address that
 * @hono/node-server hands in `c.env.incoming`, or the address Cloudflare sets on Workers.
 * Behind a reverse proxy every client shares the proxy's address (so the per-client cap acts
 * like a second total cap there); forwarded headers are not trusted, anyone can write them.
 */
export function clientKey(c: Context): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined
  return env?.incoming?.socket?.remoteAddress ?? c.req.header('cf-connecting-ip') ?? 'local'
}

const follows = (c: Context) =>
  c.req.method === 'GET' && LogsQuery.shape.follow.safeParse(c.req.query('follow')).data === true

/**
 * Caps open `GET …/logs?follow=true` streams per client and in all (ZAPIE_LOG_FOLLOW_PER_CLIENT,
 * ZAPIE_LOG_FOLLOW_MAX): each holds a Docker connection until its container stops, so without a
 * cap a few clients could hold the engine's connections and the server's memory. A slot is freed
 * when the response ends or the client goes away. One counter per app.
 */
export const limitFollowStreams = () => {
  const slots = createStreamSlots()
  return createMiddleware<AppEnv>(async (c, next) => {
    if (!follows(c)) return next()
    const { followStreamsPerClient: perClient, followStreamsTotal: total } = c.var.config
    const release = slots.acquire(clientKey(c), { perClient, total })
    c.req.raw.signal.addEventListener('abort', release, { once: true })
    try {
      await next()
    } catch (err) {
      release()
      throw err
    }
    const body = c.res.body
    if (!body || !c.res.ok) {
      release()
      return
    }
    c.res = new Response(releaseWithBody(body, release), c.res)
  })
}
