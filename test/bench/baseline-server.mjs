// The baselines of `npm run bench api-throughput`: a bare node:http server, an Express 5 app, or
// the floor (below), answering each path with the exact body our server gave for it (captured
// first), so every server sends the same bytes.
// Usage: node baseline-server.mjs <bare|express> <bodies.json>
//        node --import tsx baseline-server.mjs floor <bodies.json> <token> <log file>
// Prints the port it listens on (127.0.0.1) as its first line.
import { readFileSync } from 'node:fs'
import http from 'node:http'
import { getRequestListener } from '@hono/node-server'
import express from 'express'
import { Hono } from 'hono'
import pino from 'pino'

const [kind, file] = process.argv.slice(2)
/** @type {Record<string, string>} path (no query) → body */
const bodies = JSON.parse(readFileSync(file, 'utf8'))

let server
if (kind === 'bare') {
  server = http.createServer((req, res) => {
    const q = req.url.indexOf('?')
    const body = bodies[q === -1 ? req.url : req.url.slice(0, q)]
    if (body === undefined) {
      res.statusCode = 404
      return res.end()
    }
    res.setHeader('content-type', 'application/json')
    res.end(body)
  })
} else if (kind === 'express') {
  const app = express()
  for (const [path, body] of Object.entries(bodies))
    app.get(path, (_req, res) => res.type('application/json').send(body))
  server = http.createServer(app)
} else if (kind === 'floor') {
  server = http.createServer(getRequestListener((await floorApp(process.argv[4], process.argv[5])).fetch))
} else {
  throw new Error(`unknown baseline ${kind}`)
}
server.keepAliveTimeout = 60_000
server.listen(0, '127.0.0.1', () => console.log(server.address().port))

/**
 * The floor: what #13's conditions (auth, rate limiting, request ids, info logging to an
 * asynchronous destination) cost at least in our framework, Hono on @hono/node-server. Each
 * done the cheapest way that still does it, with our own pieces where we have them: the token
 * compared in constant time (src/node-secret-check.ts), one counter per client address, a
 * prefix and a counter for the id, one hand-made JSON line per request, gathered as ours are
 * (src/log-batch.ts). No CORS, sessions, body checks, redaction, error envelope or agent: how
 * far ours is below this is what those cost; how far this is below bare is what Hono and the
 * conditions themselves cost.
 */
async function floorApp(token, logPath) {
  // TypeScript sources: this kind runs under tsx (api-throughput starts it so).
  const { constantTimeEqual } = await import('../../src/node-secret-check.ts')
  const { createLineBatch } = await import('../../src/log-batch.ts')
  const lines = createLineBatch(pino.destination({ dest: logPath, sync: false }))
  const expected = `Bearer ${token}`
  const counts = new Map()
  let counter = 0
  const app = new Hono()
  app.use(async (c, next) => {
    const id = `0a1b2c3d4e5f-${(++counter).toString(36)}`
    const started = performance.now()
    c.header('X-Request-Id', id)
    await next()
    const durationMs = Math.round((performance.now() - started) * 10) / 10
    lines.write(
      `{"level":"info","time":"${new Date().toISOString()}","msg":"request","requestId":"${id}","method":"${c.req.method}","path":${JSON.stringify(c.req.path)},"status":${c.res.status},"durationMs":${durationMs}}\n`,
    )
  })
  app.use('/api/*', (c, next) => {
    if (!constantTimeEqual(c.req.header('authorization') ?? '', expected)) return c.json({ error: 'unauthorized' }, 401)
    const client = c.env.incoming.socket.remoteAddress
    const used = (counts.get(client) ?? 0) + 1
    counts.set(client, used)
    c.header('RateLimit-Limit', '1000000000')
    c.header('RateLimit-Remaining', String(1e9 - used))
    return next()
  })
  for (const [path, body] of Object.entries(bodies))
    app.get(path, (c) => c.body(body, 200, { 'content-type': 'application/json' }))
  return app
}
