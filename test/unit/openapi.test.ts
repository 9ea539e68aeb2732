import { describe, expect, it } from 'vitest'
import { DOCS_JS } from '../../src/openapi/docs-script'
import { collectRoutes, openApiPath } from '../../src/openapi/registry'
import { EVENT_PAYLOADS } from '../../src/schemas/event-payloads'
import { EVENT_TYPES } from '../../src/events/types'
import { auth, buildTestApp } from '../helpers/app'
import { fakeService } from '../helpers/fake-agent'
import { responseProblems } from '../helpers/openapi-check'

const built = await buildTestApp({ services: [fakeService('zapie-web-1')] })
const routes = collectRoutes(built.app)
type Doc = {
  openapi: string
  paths: Record<
    string,
    Record<string, { operationId: string; responses: Record<string, unknown>; security?: unknown[] }>
  >
  components: { schemas: Record<string, unknown> }
  'x-events': Record<string, unknown>
}
const fetchDoc = async () => (await (await built.app.request('/api/openapi.json')).json()) as Doc

describe('GET /api/openapi.json', () => {
  it('is an OpenAPI 3.1 document anyone may read', async () => {
    const res = await built.app.request('/api/openapi.json')
    expect(res.status).toBe(200)
    const doc = (await res.json()) as Doc
    expect(doc.openapi).toBe('3.1.0')
    expect(doc.components.schemas.ErrorBody).toMatchObject({
      required: expect.arrayContaining(['success', 'error', 'message', 'code']),
    })
  })

  it('documents every route of the app, each with a success response and the error envelope', async () => {
    const doc = await fetchDoc()
    const appRoutes = built.app.routes
      // The dashboard's page and assets live outside /api and are not part of the API.
      .filter((r) => r.method !== 'ALL' && !r.path.endsWith('*') && r.path.startsWith('/api'))
      .map((r) => `${r.method} ${openApiPath(r.path)}`)
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    )
    expect(new Set(documented)).toEqual(new Set(appRoutes))
    expect(appRoutes.length).toBeGreaterThan(55)
    const ids = new Set<string>()
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        expect(
          Object.keys(op.responses).filter((s) => /^[23]\d\d$/.test(s)),
          `${method} ${path}`,
        ).not.toHaveLength(0)
        expect(op.responses.default).toBeDefined()
        expect(ids.has(op.operationId), op.operationId).toBe(false)
        ids.add(op.operationId)
      }
    }
    for (const r of routes) expect(r.doc, `${r.method} ${r.path} has no describeRoute()`).toBeDefined()
  })

  it('describes requests from the schemas the handlers validate with', async () => {
    const doc = (await fetchDoc()) as unknown as {
      paths: Record<
        string,
        Record<
          string,
          {
            parameters: { name: string; in: string; schema: { maximum?: number } }[]
            requestBody?: {
              content: Record<string, { schema: { properties: Record<string, unknown>; required?: string[] } }>
            }
          }
        >
      >
    }
    const logs = doc.paths['/api/services/{containerId}/logs']!.get!
    expect(logs.parameters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'containerId', in: 'path' }),
        expect.objectContaining({ name: 'tail', in: 'query', schema: expect.objectContaining({ maximum: 5000 }) }),
      ]),
    )
    const deploy = doc.paths['/api/deploy']!.post!.requestBody!.content['application/json']!.schema
    expect(Object.keys(deploy.properties)).toEqual(
      expect.arrayContaining(['serviceName', 'serviceType', 'templateId', 'tier', 'env']),
    )
    expect(deploy.required).toContain('serviceName')
  })

  it('describes every SSE event, reset included, with serviceId and timestamp where they apply', async () => {
    const doc = await fetchDoc()
    expect(Object.keys(doc['x-events']).sort()).toEqual([...EVENT_TYPES, 'reset'].sort())
    for (const name of Object.keys(EVENT_PAYLOADS)) {
      const schema = doc.components.schemas[`Event.${name}`] as { required: string[] }
      expect(schema.required, name).toContain('timestamp')
    }
    expect((doc.components.schemas['Event.health-alert'] as { required: string[] }).required).toContain('alertId')
  })

  it('marks exactly the routes that need no token as public, and the app agrees', async () => {
    const doc = await fetchDoc()
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        if (method !== 'get') continue
        const concrete = path.replace(/\{[^}]+\}/g, 'zapie-web-1')
        const status = (await built.app.request(concrete)).status
        if (op.security?.length === 0) expect(status, `${method} ${path}`).not.toBe(401)
        else expect(status, `${method} ${path}`).toBe(401)
      }
    }
  })
})

describe('GET /api/docs', () => {
  it('serves the reference page with its own script and style under a CSP that allows no inline script', async () => {
    const page = await built.app.request('/api/docs')
    expect(page.status).toBe(200)
    const csp = page.headers.get('content-security-policy') ?? ''
    expect(csp).toContain("script-src 'self'")
    expect(csp).not.toContain('unsafe-inline')
    const html = await page.text()
    expect(html).toContain('<script src="/api/docs/docs.js" defer></script>')
    // Offline: nothing is loaded from another origin; no inline script body.
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//)
    expect(html).not.toMatch(/<script>(?!<\/script>)/)
    const script = await built.app.request('/api/docs/docs.js')
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/)
    const js = await script.text()
    expect(js).toBe(DOCS_JS)
    expect(() => new Function(js)).not.toThrow()
    expect(js).not.toMatch(/innerHTML|https?:\/\//)
    expect((await built.app.request('/api/docs/docs.css')).headers.get('content-type')).toMatch(/^text\/css/)
  })
})

describe('the response check the test suites run', () => {
  it('refuses a body that does not match the documented schema, an undocumented status and a 400 without details', () => {
    expect(
      responseProblems('GET', '/api/services', 200, 'application/json', {
        success: true,
        services: [{ id: 'x' }],
        total: 1,
      }),
    ).not.toEqual([])
    expect(responseProblems('GET', '/api/services', 204, 'application/json', {})).not.toEqual([])
    expect(
      responseProblems('GET', '/api/services/x', 400, 'application/json', {
        success: false,
        error: 'bad',
        message: 'bad',
        code: 'invalid_input',
      }),
    ).not.toEqual([])
    expect(
      responseProblems('GET', '/api/services/x', 404, 'application/json', {
        success: false,
        error: 'gone',
        message: 'gone',
        code: 'not_found',
      }),
    ).toEqual([])
  })
})

describe('one vocabulary', () => {
  it('every error body carries message (the original API) equal to error, and every 400 lists details', async () => {
    const cases: [string, RequestInit][] = [
      ['/api/no-such-route', { headers: auth }],
      ['/api/services/..%2Fx', { headers: auth }],
      ['/api/templates', { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '' }],
      ['/api/deploy', { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '' }],
      ['/api/templates/import', { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '' }],
      [
        '/api/templates/import',
        { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{"x":' },
      ],
      ['/api/alerts/webhook', { method: 'PUT', headers: { ...auth, 'content-type': 'application/json' }, body: '' }],
    ]
    for (const [path, init] of cases) {
      const res = await built.app.request(path, init)
      const body = await res.json()
      expect(body.message, path).toBe(body.error)
      if (res.status === 400)
        expect(body.details, path).toEqual(
          expect.arrayContaining([expect.objectContaining({ path: expect.any(String), message: expect.any(String) })]),
        )
    }
  })

  it('an empty JSON body is 400 malformed_json on every route, as a broken one is', async () => {
    for (const [method, path] of [
      ['POST', '/api/templates'],
      ['POST', '/api/deploy'],
      ['POST', '/api/templates/import'],
      ['PUT', '/api/alerts/webhook'],
      ['POST', '/api/templates/validate'],
    ]) {
      for (const body of ['', '{"a":']) {
        const res = await built.app.request(path!, {
          method,
          headers: { ...auth, 'content-type': 'application/json' },
          body,
        })
        expect(res.status, `${path} ${JSON.stringify(body)}`).toBe(400)
        expect((await res.json()).code, `${path} ${JSON.stringify(body)}`).toBe('malformed_json')
      }
    }
  })
})

describe('the original API shapes beside ours', () => {
  it('lists services with created in Unix seconds, createdAt in ISO and ports in both spellings', async () => {
    const { app } = await buildTestApp({
      services: [
        fakeService('zapie-web-1', {
          ports: [{ privatePort: 80, publicPort: 8080, type: 'tcp', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' }],
        }),
      ],
    })
    const body = await (await app.request('/api/services', { headers: auth })).json()
    expect(body.services[0]).toMatchObject({
      created: 1767225600,
      createdAt: '2026-01-01T00:00:00.000Z',
      serviceId: 'zapie-web-1',
      serviceName: 'zapie-web-1',
      containerId: body.services[0].id,
    })
    expect(body.services[0].ports[0]).toMatchObject({
      PrivatePort: 80,
      PublicPort: 8080,
      Type: 'tcp',
      privatePort: 80,
      publicPort: 8080,
    })
  })

  it('serves GET /api/templates/export as the full export', async () => {
    const alias = await built.app.request('/api/templates/export', { headers: auth })
    expect(alias.status).toBe(200)
    const full = await (await built.app.request('/api/templates/export/all', { headers: auth })).json()
    const doc = await alias.json()
    expect({ ...doc, exportedAt: 0 }).toEqual({ ...full, exportedAt: 0 })
    expect(alias.headers.get('content-disposition')).toMatch(/^attachment; filename="zapierakyat-templates-/)
  })

  it('gives tier cards description, price and priceValue', async () => {
    const body = await (await built.app.request('/api/deploy/services', { headers: auth })).json()
    expect(body.services[0].tiers[0]).toMatchObject({
      description: expect.stringMatching(/CPU.*RAM/),
      price: 'Free',
      priceValue: 0,
    })
  })
})
