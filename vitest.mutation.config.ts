import { defineConfig } from 'vitest/config'

// The unit tests that exercise the modules Stryker mutates (stryker.config.json): a narrow set keeps
// a mutation run bounded on a small machine. ZAPIE_MUTATION_TESTS (comma-separated files) narrows it
// further for a run over one module. Same settings as the `unit` project in vitest.config.ts.
const ALL = [
  'test/unit/backup-archive.test.ts',
  'test/unit/backup-untrusted-archives.test.ts',
  'test/unit/backup-archive-structure.test.ts',
  'test/unit/monitor-stats.test.ts',
  'test/unit/templates-portainer.test.ts',
  'test/unit/templates-handlers.test.ts',
  'test/unit/webhook-policy.test.ts',
  'test/unit/webhook-policy-rules.test.ts',
  'test/unit/net-modules-load.test.ts',
  'test/unit/alerts-webhook.test.ts',
  'test/unit/host-binds.test.ts',
  'test/unit/event-hub.test.ts',
  'test/unit/events-handlers.test.ts',
  'test/unit/monitor-api.test.ts',
  'test/unit/monitor-inventory-sync.test.ts',
  'test/unit/monitor-engine.test.ts',
  'test/unit/cached-router.test.ts',
  'test/unit/auth-digest.test.ts',
  'test/unit/log-batch.test.ts',
  'test/unit/middleware-chain.test.ts',
]

export default defineConfig({
  test: {
    include: process.env.ZAPIE_MUTATION_TESTS?.split(',').filter(Boolean) ?? ALL,
    testTimeout: 10_000,
  },
})
