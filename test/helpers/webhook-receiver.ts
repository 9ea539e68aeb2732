import http from 'node:http'
import type { AddressInfo } from 'node:net'

/** What an alert webhook receiver was sent, as the tests read it. */
export interface ReceivedHook {
  path: string
  host?: string
  type?: string
  auth?: string
  body: { alert?: { serviceId?: string; rule?: string; state?: string }; [key: string]: unknown }
}

type Answer = (res: http.ServerResponse) => void

/**
 * A webhook receiver on 127.0.0.1 recording what reaches it. Each reply is the next of
 * `state.script`, once that is empty `state.answer` (204 unless `answer` says otherwise); a test
 * may change either between requests.
 */
export async function startWebhookReceiver(answer: Answer = (res) => void res.writeHead(204).end()) {
  const got: ReceivedHook[] = []
  const state = { answer, script: [] as Answer[] }
  const server = http.createServer((req, res) => {
    let data = ''
    req.on('data', (c) => (data += c))
    req.on('end', () => {
      got.push({
        path: req.url ?? '',
        host: req.headers.host,
        type: req.headers['content-type'],
        ...(req.headers.authorization ? { auth: req.headers.authorization } : {}),
        body: JSON.parse(data || '{}'),
      })
      ;(state.script.shift() ?? state.answer)(res)
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return {
    got,
    state,
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections()
        server.close(() => r())
      }),
  }
}
