#!/usr/bin/env node
// The build that `npm install` runs (the `prepare` script): one esbuild bundle per Node entry
// point, so `npm start` and `npm run agent` are one plain `node` process each instead of
// npm → tsx → node, which loads and transpiles hundreds of files at every start.
import { build } from 'esbuild'
import { buildUi } from './build-ui.mjs'

// First: the Node bundle embeds the dashboard's assets (src/ui/assets.generated.ts).
await buildUi()

await build({
  entryPoints: { node: 'src/node.ts', agent: 'src/agent/main.ts' },
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: 'linked',
  logLevel: 'warning',
  // CommonJS dependencies (dockerode, ioredis) call require() for Node built-ins.
  banner: {
    js: [
      "import { createRequire as __createRequire } from 'node:module';",
      "import { fileURLToPath as __fileURLToPath } from 'node:url';",
      'const require = __createRequire(import.meta.url);',
      'const __filename = __fileURLToPath(import.meta.url);',
      "const __dirname = __fileURLToPath(new URL('.', import.meta.url));",
    ].join(' '),
  },
  // ssh2 (dockerode's ssh:// transport) loads optional native addons inside try/catch.
  external: ['cpu-features', '*.node'],
})
