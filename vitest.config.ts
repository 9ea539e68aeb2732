import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          testTimeout: 10_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/integration/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // One engine on a 2-core machine: files run one after another, tests inside stay ordered.
          fileParallelism: false,
        },
      },
      {
        test: {
          // The dashboard in a real headless Chromium against the real agent and engine.
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          globalSetup: ['test/integration/global-setup.ts', 'test/browser/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      // One API suite, three ways of running it (ARCHITECTURE §1, runtime modes).
      ...['node', 'split', 'workers'].map((mode) => ({
        test: {
          name: `api-${mode}`,
          include: ['test/api/**/*.test.ts'],
          globalSetup: ['test/integration/global-setup.ts', 'test/api/setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      })),
    ],
  },
})
