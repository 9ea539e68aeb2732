import { expect, it } from 'vitest'
import { auth, buildTestApp } from '../helpers/app'
import { describeBothWays } from '../helpers/targets'

const built = await buildTestApp()
let n = 0

describeBothWays(
  'markup in a native template',
  () => built.app,
  (target) => {
    const post = (path: string, body: unknown) =>
      target().request(path, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })

    it('is stored as plain text, as the Portainer import stores it, with a warning per field', async () => {
      const suffix = n++
      const res = await post('/api/templates', {
        name: `<b>Web ${suffix}</b><img src=x onerror=alert(1)>`,
        description: 'Serves <i>files</i><script>alert(1)</script> &amp; more',
        note: 'Read <a href="https://example.org/docs">the docs</a> or <a href="javascript:alert(1)">click</a>',
        image: 'nginx:1.27',
        env: [{ name: 'MODE', label: '<svg onload=alert(1)>Mode', description: '<u>how</u> it runs' }],
        logo: 'https://x/"onerror=alert(1)//',
      })
      const body = await res.json()
      expect(res.status, JSON.stringify(body)).toBe(201)
      const expected = {
        name: `Web ${suffix}`,
        description: 'Serves files & more',
        note: 'Read the docs (https://example.org/docs) or click',
        logo: 'https://x/%22onerror=alert(1)//',
        env: [expect.objectContaining({ label: 'Mode', description: 'how it runs' })],
      }
      expect(body.template).toMatchObject(expected)
      const stored = await (await target().request(`/api/templates/${body.template.id}`, { headers: auth })).json()
      expect(stored.template).toMatchObject(expected)
      expect(JSON.stringify(stored.template)).not.toMatch(/[<>"]onerror|<script|javascript:/)
    })

    it('shows the same verdict through /validate, warnings naming each field', async () => {
      const res = await post('/api/templates/validate', {
        name: '<h1>Title</h1>',
        image: 'nginx:1.27',
        logo: 'https://x/"onerror=alert(1)',
      })
      const body = await res.json()
      expect(body.isValid).toBe(true)
      expect(body.warnings).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ path: 'name', code: 'markup_removed' }),
          expect.objectContaining({ path: 'logo', code: 'normalised_url' }),
        ]),
      )
    })

    it('refuses a logo that is not an http(s) URL', async () => {
      for (const logo of [
        'javascript:alert(1)',
        'data:image/svg+xml,<svg onload=alert(1)>',
        '//x/logo.png',
        'https://',
      ]) {
        const res = await post('/api/templates/validate', { name: 'Logo test', image: 'nginx:1.27', logo })
        const body = await res.json()
        expect(body.errors, logo).toEqual([expect.objectContaining({ path: 'logo', code: 'invalid_url' })])
      }
    })

    it('leaves text without markup as written', async () => {
      const res = await post('/api/templates/validate', {
        name: 'A > B "quoted"',
        image: 'nginx:1.27',
        note: 'line one  \n\n\n\nline two',
      })
      const body = await res.json()
      expect(body.warnings).toEqual([])
    })
  },
)
