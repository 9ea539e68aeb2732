// The baselines of `npm run bench api-throughput`: a bare node:http server or an Express 5 app
// answering each path with the exact body our server gave for it (captured first), so every
// server sends the same bytes. Usage: node baseline-server.mjs <bare|express> <bodies.json>
// Prints the port it listens on (127.0.0.1) as its first line.
import { readFileSync } from 'node:fs'
import http from 'node:http'
import express from 'express'

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
} else {
  throw new Error(`unknown baseline ${kind}`)
}
server.keepAliveTimeout = 60_000
server.listen(0, '127.0.0.1', () => console.log(server.address().port))
