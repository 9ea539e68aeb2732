import { describe, expect, it } from 'vitest'
import { jsonDepth, MAX_JSON_DEPTH } from '../../src/json-depth'
import { auth, buildTestApp } from '../helpers/app'
import { describeBothWays } from '../helpers/targets'

const built = await buildTestApp()
const stored = await built.deps.stores.templates.list()
const someId = stored.templates[0]!.id

/** ~250 KB that nests 60,000 levels deep, inside an otherwise plausible template. */
const nested = (n: number) => `${'{"a":['.repeat(n)}1${']}'.repeat(n)}`
let n = 0
const deepTemplate = `{"name":"deep","image":"nginx:1.27","colour":${nested(20_000)}}`

describeBothWays(
  'JSON bodies nested too deep',
  () => built.app,
  (target) => {
    const send = (method: string, path: string, body: BodyInit, type?: string) =>
      target().request(path, { method, headers: { ...auth, ...(type ? { 'content-type': type } : {}) }, body })

    it('answer 400 invalid_input on every JSON route, never 500', async () => {
      for (const [method, path] of [
        ['POST', '/api/templates'],
        ['POST', '/api/templates/validate'],
        ['PUT', `/api/templates/${someId}`],
        ['POST', '/api/templates/import'],
        ['POST', '/api/deploy'],
        ['POST', '/api/services/bulk/restart'],
      ] as const) {
        const res = await send(method, path, deepTemplate, 'application/json')
        const body = await res.json()
        expect(res.status, `${method} ${path}: ${JSON.stringify(body)}`).toBe(400)
        expect(body).toMatchObject({
          success: false,
          code: 'invalid_input',
          details: [{ path: 'body', code: 'too_deep' }],
        })
      }
    })

    it('answer 400 for a deeply nested templates file uploaded as a form', async () => {
      const form = new FormData()
      form.set(
        'file',
        new Blob([`{"version":"3","templates":[${deepTemplate}]}`], { type: 'application/json' }),
        'templates.json',
      )
      const res = await send('POST', '/api/templates/import', form)
      expect(res.status).toBe(400)
      expect(await res.json()).toMatchObject({ code: 'invalid_input', details: [{ code: 'too_deep' }] })
    })

    it('still take an ordinary template with nested env options', async () => {
      const template = {
        name: `ordinary-nesting-${n++}`,
        image: 'nginx:1.27',
        env: [{ name: 'MODE', default: 'a', options: [{ label: 'A', value: 'a' }] }],
      }
      const res = await send('POST', '/api/templates', JSON.stringify(template), 'application/json')
      expect(res.status, await res.clone().text()).toBe(201)
    })
  },
)

describe('jsonDepth', () => {
  it('counts nesting, not brackets inside strings', () => {
    expect(jsonDepth('1')).toBe(0)
    expect(jsonDepth('{"a":[{"b":"[[[{{{\\"]]]"}]}')).toBe(3)
    expect(jsonDepth(nested(MAX_JSON_DEPTH / 2))).toBe(MAX_JSON_DEPTH)
    expect(jsonDepth(nested(MAX_JSON_DEPTH))).toBe(MAX_JSON_DEPTH + 1)
  })
})
