import { createServer, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { getHeapSpaceStatistics } from 'node:v8'
import { serve } from '@hono/node-server'
import { Server as SocketIOServer } from 'socket.io'
import { createApp } from '../../../src/app'
import { loadConfig } from '../../../src/config'
import { withNodeEventStreams } from '../../../src/node-sse'
import { createEventHub } from '../../../src/events/hub'
import { silentLogger } from '../../../src/logger'
import { nodeClientAddress } from '../../../src/client-address'
import { constantTimeEqual } from '../../../src/node-secret-check'
import { createStores } from '../../../storage'
import { createFakeAgent } from '../../helpers/fake-agent'

/**
 * One fan-out server for `fanout.bench.ts`, driven over IPC: `ours` (the whole app on
 * @hono/node-server, as `npm start` serves GET /api/events), `plain` (node:http SSE writing one
 * Buffer to every response) or `socketio` (Socket.IO 4, websocket transport, io.emit).
 */
const TOKEN = 'bench-token-0123456789abcdef'
const kind = process.argv[2] as 'ours' | 'plain' | 'socketio'
const gc = (globalThis as { gc?: () => void }).gc
if (!gc) throw new Error('run with --expose-gc')

let publish: (payload: Record<string, unknown>) => void
let clients: () => number
let port: number

if (kind === 'ours') {
  const config = loadConfig({
    ZAPIE_API_TOKEN: TOKEN,
    ZAPIE_STORAGE: 'memory',
    LOG_LEVEL: 'silent',
    ZAPIE_RATE_LIMIT: '0',
  })
  const stores = await createStores(config)
  const hub = createEventHub()
  const app = createApp(() => ({
    config,
    stores,
    agent: createFakeAgent(hub).agent,
    events: hub,
    clock: { now: () => Date.now() },
    logger: silentLogger,
    // As src/node.ts wires them for `npm start`.
    clientAddress: nodeClientAddress,
    secretCheck: constantTimeEqual,
  }))
  // As src/listen.ts serves it for `npm start`.
  const server = serve({ fetch: withNodeEventStreams(app.fetch), port: 0, hostname: '127.0.0.1' })
  await new Promise((r) => server.once('listening', r))
  port = (server.address() as AddressInfo).port
  publish = (payload) => void hub.publish('metrics-update', payload)
  clients = () => hub.subscriberCount()
} else if (kind === 'plain') {
  const open = new Set<ServerResponse>()
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' })
    res.write('retry: 2000\n: connected\n\n')
    open.add(res)
    res.on('close', () => open.delete(res))
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  port = (server.address() as AddressInfo).port
  let seq = 0
  publish = (payload) => {
    const frame = Buffer.from(`id: ${++seq}\nevent: metrics-update\ndata: ${JSON.stringify(payload)}\n\n`)
    for (const res of open) res.write(frame)
  }
  clients = () => open.size
} else {
  const server = createServer()
  const io = new SocketIOServer(server, { transports: ['websocket'], serveClient: false })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  port = (server.address() as AddressInfo).port
  publish = (payload) => void io.emit('metrics-update', payload)
  clients = () => io.engine.clientsCount
}

/**
 * Short-lived garbage four times the young generation's size: every page of it is then written
 * at least once, as in any server that has served for a while. Before this, a fresh server's
 * baseline held only the young-generation pages its start-up had touched, and the connection
 * burst paged in the rest — up to 16 MB of RSS that does not scale with connections, counted
 * per connection, and more for a server whose requests allocate more. All three servers get it.
 */
function touchYoungGeneration() {
  const young = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 32 << 20
  let sink = 0
  for (let made = 0; made < 4 * young; made += 1040) sink += new Array(128).fill(made).length
  return sink
}

async function settle() {
  for (let i = 0; i < 3; i++) {
    gc!()
    await new Promise((r) => setTimeout(r, 100))
  }
  const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage()
  // What V8 has committed per space: the young generation (new_space) grows to its maximum in a
  // burst of allocation and stays that size, which is RSS that does not scale with connections.
  const spaces = Object.fromEntries(getHeapSpaceStatistics().map((s) => [s.space_name, s.space_size]))
  return {
    rss,
    heapUsed,
    code: spaces.code_space ?? 0,
    external: external + arrayBuffers,
    clients: clients(),
    newSpace: spaces.new_space ?? 0,
    heapCommitted: Object.values(spaces).reduce((a, b) => a + b, 0),
  }
}

type Command = { id: number } & (
  | { op: 'memory' }
  | { op: 'touch' }
  | { op: 'broadcast'; run: number; events: number; everyMs: number }
  | { op: 'exit' }
)

process.on('message', async (cmd: Command) => {
  if (cmd.op === 'memory') process.send!({ id: cmd.id, ...(await settle()) })
  else if (cmd.op === 'touch') process.send!({ id: cmd.id, touched: touchYoungGeneration() })
  else if (cmd.op === 'broadcast') {
    for (let seq = 1; seq <= cmd.events; seq++) {
      // The timestamp is taken as the event is handed to the library; clients subtract it on receipt.
      publish({
        run: cmd.run,
        seq,
        ts: performance.timeOrigin + performance.now(),
        serviceId: 'svc-bench-0001',
        containerId: '3f4e5d6c7b8a99887766554433221100ffeeddccbbaa00112233445566778899',
        cpuPercent: 12.5,
        memoryBytes: 73_400_320,
        memoryLimitBytes: 536_870_912,
        networkRxBytes: 1_048_576,
        networkTxBytes: 524_288,
      })
      await new Promise((r) => setTimeout(r, cmd.everyMs))
    }
    process.send!({ id: cmd.id })
  } else process.exit(0)
})
process.send!({ ready: true, port })
