import { beforeAll, describe, expect, it } from 'vitest'
import { UI_ASSETS, UI_ENTRY } from '../../src/ui/assets.generated'
import { buildTestApp } from '../helpers/app'
import { describeBothWays } from '../helpers/targets'

let app: Awaited<ReturnType<typeof buildTestApp>>['app']

const EXPECTED_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

function expectSecurityHeaders(res: Response) {
  expect(res.headers.get('content-security-policy')).toBe(EXPECTED_CSP)
  expect(res.headers.get('x-content-type-options')).toBe('nosniff')
  expect(res.headers.get('referrer-policy')).toBe('no-referrer')
  expect(res.headers.get('x-frame-options')).toBe('DENY')
}

beforeAll(async () => {
  app = (await buildTestApp()).app
})

describeBothWays(
  'the dashboard',
  () => app,
  (target) => {
    it('GET / serves the shell without a token, with a strict CSP and no inline script or style', async () => {
      const res = await target().request('/')
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toMatch(/^text\/html/)
      expectSecurityHeaders(res)
      const html = await res.text()
      // Every <script> has a src (the CSP forbids inline code; the page must not need it).
      const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)]
      expect(scripts).toHaveLength(1)
      expect(scripts[0]![1]).toContain(`src="/assets/${UI_ENTRY.js}"`)
      expect(scripts[0]![2]).toBe('')
      expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i)
      expect(html).toContain(`href="/assets/${UI_ENTRY.css}"`)
      // Nothing from another host: the dashboard works offline.
      expect(html).not.toMatch(/(src|href)="(https?:)?\/\//)
    })

    it('serves the bundled script and stylesheet with their types, long caching and the same headers', async () => {
      for (const [name, type] of [
        [UI_ENTRY.js, 'text/javascript'],
        [UI_ENTRY.css, 'text/css'],
      ] as const) {
        const res = await target().request(`/assets/${name}`)
        expect(res.status).toBe(200)
        expect(res.headers.get('content-type')).toContain(type)
        expect(res.headers.get('cache-control')).toContain('immutable')
        expectSecurityHeaders(res)
        expect(await res.text()).toBe(UI_ASSETS[name]!.body)
      }
    })

    it('answers 404 in the envelope for an asset that does not exist, an inherited property name included', async () => {
      for (const name of ['app.000000000000.js', 'constructor', '__proto__', 'hasOwnProperty']) {
        const res = await target().request(`/assets/${name}`)
        expect(res.status).toBe(404)
        expect(await res.json()).toMatchObject({ success: false, code: 'not_found' })
      }
    })

    it('keeps the API behind its token: the dashboard route opens nothing under /api', async () => {
      const res = await target().request('/api/services')
      expect(res.status).toBe(401)
    })
  },
)

describe('the dashboard bundle', () => {
  it('loads nothing from another host at run time (no CDN)', () => {
    const js = UI_ASSETS[UI_ENTRY.js]!.body
    const css = UI_ASSETS[UI_ENTRY.css]!.body
    expect(css).not.toMatch(/url\(\s*['"]?(https?:)?\/\//)
    expect(css).not.toMatch(/@import/)
    expect(js).not.toMatch(/import\s*\(?\s*['"]https?:/)
  })
})
