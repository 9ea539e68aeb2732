import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const run = promisify(execFile)
const root = join(import.meta.dirname, '..', '..')
const biome = join(root, 'node_modules', '.bin', 'biome')

/**
 * `npm run lint` (Biome, run by CI) says nothing but its summary: a warning or a notice that
 * every run prints is noise people learn to skip, and then they skip the one that matters.
 */
describe('npm run lint', () => {
  it('reports no warning, notice or deprecated option anywhere in the tree', async () => {
    // An error makes Biome exit non-zero: its report is still what to show.
    const { stdout, stderr } = await run(biome, ['check', '--reporter=json', '.'], {
      cwd: root,
      maxBuffer: 16 * 1024 * 1024,
    }).catch((err: { stdout: string; stderr: string }) => err)
    const report = JSON.parse(stdout) as {
      summary: { errors: number; warnings: number; infos: number }
      diagnostics: { category?: string; location?: { path?: string }; message?: string }[]
    }
    const seen = report.diagnostics.map((d) => `${d.location?.path}: ${d.category} ${d.message}`)
    expect(seen).toEqual([])
    expect(report.summary).toMatchObject({ errors: 0, warnings: 0, infos: 0 })
    // A deprecated configuration option is reported on stderr, outside the JSON report.
    expect(stderr).not.toMatch(/deprecat/i)
  }, 60_000)
})
