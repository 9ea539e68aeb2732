import { beforeEach, expect, it } from 'vitest'
import { auth, buildTestApp } from '../helpers/app'
import { fakeService } from '../helpers/fake-agent'
import { describeBothWays } from '../helpers/targets'

let built: Awaited<ReturnType<typeof buildTestApp>>
beforeEach(async () => {
  built = await buildTestApp({ services: [fakeService('zapie-web-1')] })
})

const MESSAGE = 'Send the body as JSON with Content-Type: application/json'
const bytes = (text: string) => new TextEncoder().encode(text)

/** How `curl -d`, a text editor's upload, or a client that forgot the header sends a JSON body. */
const wrongTypes: [string, (text: string) => RequestInit][] = [
  [
    'curl -d (form-urlencoded)',
    (text) => ({ headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' }, body: text }),
  ],
  ['text/plain', (text) => ({ headers: { ...auth, 'content-type': 'text/plain' }, body: text })],
  // A byte body gets no Content-Type from fetch.
  ['no Content-Type', (text) => ({ headers: auth, body: bytes(text) })],
]

const routes: [string, string, unknown][] = [
  ['POST', '/api/services/zapie-web-1/monitoring/start', { interval: 5000 }],
  ['POST', '/api/templates', { name: 'x' }],
  ['PUT', '/api/alerts/thresholds', { cpu: 90 }],
  ['POST', '/api/services/bulk/stop', { containerIds: ['zapie-web-1'] }],
  ['POST', '/api/deploy', { serviceType: 'nginx' }],
  ['POST', '/api/templates/validate', { name: 'x' }],
  ['PUT', '/api/alerts/webhook', { url: 'https://hooks.example.com/x' }],
]

describeBothWays(
  'a JSON body sent as something else',
  () => built.app,
  (target) => {
    it.each(wrongTypes)('is answered 415 on every JSON route: %s', async (_, init) => {
      for (const [method, path, body] of routes) {
        const res = await target().request(path, { method, ...init(JSON.stringify(body)) })
        expect(res.status, `${method} ${path}`).toBe(415)
        expect(await res.json(), `${method} ${path}`).toMatchObject({
          success: false,
          code: 'unsupported_media_type',
          error: MESSAGE,
          requestId: expect.any(String),
        })
      }
    })

    it('POST …/monitoring/start {"interval":5000} by curl -d no longer answers 200 with the default applied', async () => {
      const res = await target().request('/api/services/zapie-web-1/monitoring/start', {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' },
        body: '{"interval":5000}',
      })
      expect(res.status).toBe(415)
      const right = await target().request('/api/services/zapie-web-1/monitoring/start', {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json; charset=utf-8' },
        body: '{"interval":5000}',
      })
      expect(right.status).toBe(200)
      expect((await right.json()).monitoring.intervalMs).toBe(5000)
    })

    it('accepts +json types, and a bodiless POST still takes the defaults', async () => {
      const plus = await target().request('/api/services/zapie-web-1/monitoring/start', {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/vnd.api+json' },
        body: '{"interval":7000}',
      })
      expect((await plus.json()).monitoring.intervalMs).toBe(7000)
      const none = await target().request('/api/services/zapie-web-1/monitoring/start', {
        method: 'POST',
        headers: auth,
      })
      expect(none.status).toBe(200)
      expect((await none.json()).monitoring.intervalMs).toBe(10_000)
    })

    it('leaves template import its multipart upload', async () => {
      const form = new FormData()
      form.set('file', new Blob([JSON.stringify({ templates: [] })], { type: 'application/json' }), 'templates.json')
      const res = await target().request('/api/templates/import', { method: 'POST', headers: auth, body: form })
      expect(res.status).not.toBe(415)
    })
  },
)
