import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const run = promisify(execFile)
const root = join(import.meta.dirname, '..', '..')
const dpdm = join(root, 'node_modules', '.bin', 'dpdm')

/** The flags `npm run check:cycles` (run by CI) passes, read from package.json so this test checks what CI runs. */
async function checkFlags(): Promise<string[]> {
  const { scripts } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>
  }
  const command = scripts['check:cycles']!
  expect(command.startsWith('dpdm ')).toBe(true)
  return command
    .split(' ')
    .slice(1)
    .filter((part) => part.startsWith('-') || /^circular:\d+$/.test(part))
}

describe('npm run check:cycles', () => {
  it('fails on a cycle made only of `import type` lines, as the agent contract’s used to be', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'zapie-cycles-'))
    try {
      await writeFile(
        join(dir, 'port.ts'),
        "import type { Impl } from './impl'\nexport interface Port { impl?: Impl }\n",
      )
      await writeFile(
        join(dir, 'impl.ts'),
        "import type { Port } from './port'\nexport interface Impl { port?: Port }\n",
      )
      await writeFile(join(dir, 'leaf.ts'), "import type { Port } from './port'\nexport const x: Port | null = null\n")
      const flags = await checkFlags()
      const cyclic = await run(dpdm, [...flags, 'port.ts', 'leaf.ts'], { cwd: dir }).then(
        () => 0,
        (err: { code?: number }) => err.code ?? -1,
      )
      expect(cyclic).toBe(1)
      await writeFile(join(dir, 'impl.ts'), 'export interface Impl { name: string }\n')
      await expect(run(dpdm, [...flags, 'port.ts', 'leaf.ts'], { cwd: dir })).resolves.toBeDefined()
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  }, 60_000)
})
