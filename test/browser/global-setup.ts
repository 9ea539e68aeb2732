import { execFileSync } from 'node:child_process'
import { join } from 'node:path'

/**
 * The dashboard under test is the bundle the build makes (src/ui/assets.generated.ts): build it
 * before any test file imports the app, so the browser never runs a stale one.
 */
export default function setup() {
  execFileSync(process.execPath, ['scripts/build.mjs'], {
    cwd: join(import.meta.dirname, '..', '..'),
    stdio: 'inherit',
  })
}
