import { describe, expect, it } from 'vitest'
import { auth, buildTestApp } from '../helpers/app'

const { app } = await buildTestApp()
const post = (body: unknown) =>
  app.request('/api/templates', {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })

describe('POST /api/templates with a password in a default', () => {
  it('refuses it, so no template detail or export shows the password', async () => {
    for (const value of ['postgres://app:hunter2@db:5432/x', 'host=db user=app password=hunter2']) {
      const res = await post({
        name: `cred-${value.length}`,
        image: 'nginx:1.27',
        env: [{ name: 'DATABASE_URL', default: value }],
      })
      const body = await res.json()
      expect(res.status).toBe(422)
      expect(body.details).toEqual(
        expect.arrayContaining([expect.objectContaining({ path: 'env.0.default', code: 'credential_in_default' })]),
      )
      expect(JSON.stringify(body)).not.toContain('hunter2')
    }
    const exported = await (await app.request('/api/templates/export/all', { headers: auth })).text()
    expect(exported).not.toContain('hunter2')
  })

  it('accepts a URL without a password', async () => {
    expect(
      (
        await post({
          name: 'plain-url',
          image: 'nginx:1.27',
          env: [{ name: 'PUBLIC_URL', default: 'http://localhost:{{hostPort}}/' }],
        })
      ).status,
    ).toBe(201)
  })
})
