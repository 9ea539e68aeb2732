import { describe, expect, it } from 'vitest'
import { auth, buildTestApp } from '../helpers/app'

describe('the API steps run for every spelling of an API path', () => {
  it('the app: every odd spelling of an API route still needs the token', async () => {
    const { app } = await buildTestApp()
    for (const path of ['/%61pi/services', '/api/%2e%2e/api/services', '/x/../api/services', '/api/services/']) {
      const res = await app.request(path)
      expect([path, res.status]).toEqual([path, 401])
    }
    expect((await app.request('/%61pi/services', { headers: auth })).status).toBe(200)
  })
})
