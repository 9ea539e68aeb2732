import { describe, expect, it } from 'vitest'
import { api } from './client'

/** The same dashboard on Node, split and Workers: the shell, its assets, and a cookie session behind it. */
describe(`the dashboard [${api.mode}]`, () => {
  it('serves the shell and its bundled assets with the strict CSP, without a token', async () => {
    const page = await fetch(`${api.baseUrl}/`)
    expect(page.status).toBe(200)
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'")
    expect(page.headers.get('x-content-type-options')).toBe('nosniff')
    const html = await page.text()
    const js = /<script type="module" src="(\/assets\/app\.[0-9a-f]{12}\.js)">/.exec(html)?.[1]
    const css = /<link rel="stylesheet" href="(\/assets\/app\.[0-9a-f]{12}\.css)">/.exec(html)?.[1]
    expect(js && css).toBeTruthy()
    for (const [path, type] of [
      [js!, 'text/javascript'],
      [css!, 'text/css'],
    ]) {
      const res = await fetch(`${api.baseUrl}${path}`)
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toContain(type)
      expect((await res.text()).length).toBeGreaterThan(1000)
    }
  })

  it('signs a browser in: the session cookie then reads the API, and a change needs the CSRF token', async () => {
    const signIn = await fetch(`${api.baseUrl}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: api.token }),
    })
    expect(signIn.status).toBe(200)
    const { csrfToken } = await signIn.json()
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!
    expect((await fetch(`${api.baseUrl}/api/services`, { headers: { cookie } })).status).toBe(200)
    // A change that changes nothing: the suite's other files see the thresholds they expect.
    const { thresholds } = await (await fetch(`${api.baseUrl}/api/alerts/thresholds`, { headers: { cookie } })).json()
    const body = JSON.stringify({ cpu: { warning: thresholds.cpu.warning } })
    const forged = await fetch(`${api.baseUrl}/api/alerts/thresholds`, {
      method: 'PUT',
      headers: { cookie, 'content-type': 'application/json' },
      body,
    })
    expect(forged.status).toBe(403)
    expect((await forged.json()).code).toBe('csrf_failed')
    const real = await fetch(`${api.baseUrl}/api/alerts/thresholds`, {
      method: 'PUT',
      headers: { cookie, 'content-type': 'application/json', 'x-csrf-token': csrfToken },
      body,
    })
    expect(real.status).toBe(200)
    await fetch(`${api.baseUrl}/api/session`, { method: 'DELETE', headers: { cookie, 'x-csrf-token': csrfToken } })
  })
})
