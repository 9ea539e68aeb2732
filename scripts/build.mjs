#!/usr/bin/env node
// The build that `npm install` runs (the `prepare` script): one esbuild bundle per Node entry
// point, so `npm start` and `npm run agent` are one plain `node` process each instead of
// npm → tsx → node, which loads and transpiles hundreds of files at every start.
import { readdirSync, readFileSync, rmSync } from 'node:fs'
import { build } from 'esbuild'
import { buildUi } from './build-ui.mjs'

// Chunk names carry a content hash: clear the previous build's, or they pile up.
rmSync('dist/chunks', { recursive: true, force: true })

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
  minify: true,
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
  // Parts of dockerode we never use, replaced so they cost nothing at start (see each stub;
  // tar-fs is only deferred to its first use).
  alias: {
    ssh2: './scripts/bundle-stubs/ssh2.cjs',
    '@grpc/grpc-js': './scripts/bundle-stubs/grpc.cjs',
    '@grpc/proto-loader': './scripts/bundle-stubs/grpc.cjs',
    'tar-fs': './scripts/bundle-stubs/tar-fs.cjs',
  },
  external: ['cpu-features', '*.node'],
  // Code behind a dynamic import() (the Redis driver and ioredis, the memory driver) goes into
  // its own file, read only when first used; the code both entry points share is one chunk.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
})

// V8 keeps each script's source for lazy compilation, and one character outside Latin-1 makes it
// store the whole 1.5 MB bundle as two bytes per character. esbuild escapes such characters in
// ordinary strings but cannot in String.raw templates: write \u2014 there, not the character.
const emitted = readdirSync('dist', { recursive: true }).filter((f) => f.endsWith('.js'))
for (const file of emitted.map((f) => `dist/${f}`)) {
  const at = readFileSync(file).findIndex((byte) => byte > 0x7f)
  if (at >= 0) throw new Error(`${file}: non-ASCII byte at offset ${at}; V8 would keep the bundle as UTF-16`)
}
