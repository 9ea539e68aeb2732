import { describe, expect, it } from 'vitest'
import { auth, buildTestApp } from '../helpers/app'

describe('POST /api/events/ticket', () => {
  it('removes tickets that expired without being used', async () => {
    let now = Date.parse('2026-12-01T10:00:00Z')
    const { app, deps } = await buildTestApp({ clock: { now: () => now } })
    const issue = async () =>
      (await (await app.request('/api/events/ticket', { method: 'POST', headers: auth })).json()).ticket as string
    const unused = await Promise.all([issue(), issue(), issue()])
    expect(await deps.stores.storage.getKeys('tickets')).toHaveLength(3)

    now += 61_000
    const fresh = await issue()
    expect(await deps.stores.storage.getKeys('tickets')).toEqual([`tickets:${fresh}`])
    for (const ticket of unused) expect((await app.request(`/api/events?ticket=${ticket}`)).status).toBe(401)
  })
})
