import { describe, expect, it } from 'vitest'
import { sameJson } from '../../src/same-json'

describe('sameJson', () => {
  it('tells equal content from any difference, however deep', () => {
    const health = { status: 'up', uptimeSeconds: 5, metrics: { cpu: 1.5, memory: { usage: 10 } }, tags: ['a'] }
    expect(sameJson(health, structuredClone(health))).toBe(true)
    expect(sameJson(health, { ...health, uptimeSeconds: 6 })).toBe(false)
    expect(sameJson(health, { ...health, metrics: { cpu: 1.5, memory: { usage: 11 } } })).toBe(false)
    expect(sameJson(health, { ...health, tags: ['a', 'b'] })).toBe(false)
    expect(sameJson(health, { ...health, extra: null })).toBe(false)
    expect(sameJson({ a: undefined }, { b: undefined })).toBe(false)
    expect(sameJson([1, 2], { 0: 1, 1: 2 })).toBe(false)
    expect(sameJson(null, {})).toBe(false)
    expect(sameJson(0, '0')).toBe(false)
  })
})
