import { expect, it } from 'vitest'

// The address tables are built when these modules load. Imported inside a test, a table that
// cannot be built fails this test; imported at the top of a file, it only stops that file from
// being collected, which a test runner (Stryker's included) does not count as a failure.
it.each([
  ['ip-class', 'classifyIp'],
  ['webhook-policy', 'checkWebhookUrl'],
])('src/net/%s loads and builds its tables', async (name, fn) => {
  const mod = (await import(`../../src/net/${name}.ts`)) as Record<string, (...args: unknown[]) => unknown>
  expect(typeof mod[fn]).toBe('function')
  const { parseIp } = await import('../../src/net/ip')
  if (name === 'ip-class') expect(mod.classifyIp!(parseIp('10.0.0.1'))).toBe('private')
})
