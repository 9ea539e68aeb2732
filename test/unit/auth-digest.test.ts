import fc from 'fast-check'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { constantTimeEqual } from '../../src/node-secret-check'
import { auth, buildTestApp } from '../helpers/app'

afterEach(() => vi.restoreAllMocks())

describe('token check', () => {
  it('hashes only the given token per request; the expected digest is taken once', async () => {
    const { app } = await buildTestApp()
    const digest = vi.spyOn(crypto.subtle, 'digest')
    for (let i = 0; i < 20; i++) expect((await app.request('/api/templates', { headers: auth })).status).toBe(200)
    // One for the expected token (the first request), then one per request for the given one.
    expect(digest.mock.calls.length).toBe(21)
  })

  it('still refuses a wrong token of the same length, and takes a changed expected token', async () => {
    const { app, deps } = await buildTestApp()
    const wrong = `Bearer ${'x'.repeat(auth.authorization.length - 7)}`
    expect((await app.request('/api/templates', { headers: { authorization: wrong } })).status).toBe(401)
    expect((await app.request('/api/templates', { headers: auth })).status).toBe(200)
    ;(deps.config as { apiToken: string }).apiToken = 'another-token-0123456789abcdef'
    expect((await app.request('/api/templates', { headers: auth })).status).toBe(401)
    expect(
      (await app.request('/api/templates', { headers: { authorization: 'Bearer another-token-0123456789abcdef' } }))
        .status,
    ).toBe(200)
  })

  it('on Node checks the token without any digest, and still tells right from wrong', async () => {
    const { app } = await buildTestApp({ secretCheck: constantTimeEqual })
    const digest = vi.spyOn(crypto.subtle, 'digest')
    for (let i = 0; i < 20; i++) expect((await app.request('/api/templates', { headers: auth })).status).toBe(200)
    const sameLength = `Bearer ${'x'.repeat(auth.authorization.length - 7)}`
    for (const authorization of [sameLength, 'Bearer short', `${auth.authorization}x`]) {
      expect((await app.request('/api/templates', { headers: { authorization } })).status).toBe(401)
    }
    expect(digest).not.toHaveBeenCalled()
  })
})

describe('constantTimeEqual', () => {
  it('tells equal secrets from any other, whatever their lengths and characters', () => {
    const secret = fc.string({ unit: 'grapheme', maxLength: 48 })
    fc.assert(
      fc.property(secret, secret, (given, expected) => {
        expect(constantTimeEqual(given, expected)).toBe(expected !== '' && given === expected)
      }),
      { numRuns: 2000 },
    )
  })

  it('refuses a prefix, an extension, a repetition and a one-character change of the secret', () => {
    const expected = 'bench-token-0123456789abcdef0123'
    expect(constantTimeEqual(expected, expected)).toBe(true)
    for (const given of [
      expected.slice(0, -1),
      `${expected}x`,
      expected + expected,
      `${expected.slice(0, 10)}X${expected.slice(11)}`,
      '',
    ])
      expect(constantTimeEqual(given, expected)).toBe(false)
    // Nothing matches an empty expected secret, not even an empty one.
    expect(constantTimeEqual('', '')).toBe(false)
  })
})
