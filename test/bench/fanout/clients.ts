import { request, type ClientRequest } from 'node:http'
import { io, type Socket } from 'socket.io-client'

/**
 * The load generator for `fanout.bench.ts`, in its own process (and core): N idle clients that
 * each note the sequence number and delivery delay of every event. SSE clients are raw
 * node:http requests without keep-alive (one socket each, as EventSource opens); Socket.IO
 * clients use the websocket transport only.
 */
const [kind, portArg, token] = process.argv.slice(2) as ['ours' | 'plain' | 'socketio', string, string]
const port = Number(portArg)
const now = () => performance.timeOrigin + performance.now()

interface Client {
  seen: Set<number>
  close(): void
}
let clients: Client[] = []
let run = 0
let delays: number[] = []

function onEvent(client: Client, payload: { run: number; seq: number; ts: number }) {
  if (payload.run !== run) return
  delays.push(now() - payload.ts)
  client.seen.add(payload.seq)
}

function openSse(path: string, headers: Record<string, string>): Promise<Client> {
  return new Promise((resolve, reject) => {
    let req: ClientRequest
    const client: Client = { seen: new Set(), close: () => req.destroy() }
    req = request(
      { host: '127.0.0.1', port, path, headers: { accept: 'text/event-stream', ...headers }, agent: false },
      (res) => {
        if (res.statusCode !== 200) return reject(new Error(`status ${res.statusCode}`))
        res.setEncoding('utf8')
        let buffered = ''
        let connected = false
        res.on('data', (chunk: string) => {
          buffered += chunk
          let end: number
          while ((end = buffered.indexOf('\n\n')) >= 0) {
            const frame = buffered.slice(0, end)
            buffered = buffered.slice(end + 2)
            if (!connected && frame.includes(': connected')) {
              connected = true
              resolve(client)
            }
            const data = frame.split('\n').find((l) => l.startsWith('data: '))
            if (data) onEvent(client, JSON.parse(data.slice(6)))
          }
        })
        res.on('error', () => {})
      },
    )
    req.on('error', reject)
    req.end()
  })
}

function openSocketIo(): Promise<Client> {
  return new Promise((resolve, reject) => {
    const socket: Socket = io(`http://127.0.0.1:${port}`, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
    })
    const client: Client = { seen: new Set(), close: () => socket.disconnect() }
    socket.on('metrics-update', (payload) => onEvent(client, payload))
    socket.once('connect', () => resolve(client))
    socket.once('connect_error', reject)
  })
}

const open = () =>
  kind === 'socketio'
    ? openSocketIo()
    : openSse(kind === 'ours' ? '/api/events' : '/events', kind === 'ours' ? { authorization: `Bearer ${token}` } : {})

type Command = { id: number } & (
  | { op: 'connect'; n: number; run: number }
  | { op: 'report'; events: number }
  | { op: 'close' }
)

process.on('message', async (cmd: Command) => {
  if (cmd.op === 'connect') {
    run = cmd.run
    delays = []
    // In batches, so the server's accept queue is never what is measured.
    for (let i = 0; i < cmd.n; i += 200)
      clients.push(...(await Promise.all(Array.from({ length: Math.min(200, cmd.n - i) }, open))))
    process.send!({ id: cmd.id, connected: clients.length })
  } else if (cmd.op === 'report') {
    const sorted = delays.sort((a, b) => a - b)
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? NaN
    const complete = clients.filter((c) => c.seen.size === cmd.events).length
    process.send!({
      id: cmd.id,
      deliveries: sorted.length,
      p50: at(0.5),
      p99: at(0.99),
      max: sorted.at(-1) ?? NaN,
      complete,
    })
  } else {
    for (const c of clients) c.close()
    clients = []
    process.send!({ id: cmd.id })
  }
})
process.send!({ ready: true })
