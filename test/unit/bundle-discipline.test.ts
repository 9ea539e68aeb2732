import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = join(import.meta.dirname, '..', '..')

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return sourceFiles(path)
    return name.endsWith('.ts') ? [path] : []
  })
}

const IMPORT = /(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"]([^'"]+)['"]/g

/** What a file under handlers/ or storage/ must never use: it runs on Workers too. */
function forbiddenUses(source: string): string[] {
  const found: string[] = []
  for (const [, spec] of source.matchAll(IMPORT)) {
    if (
      spec === 'dockerode' ||
      spec!.startsWith('node:') ||
      ['fs', 'path', 'os', 'crypto', 'child_process', 'net', 'http', 'stream'].includes(spec!)
    ) {
      found.push(`imports ${spec}`)
    }
  }
  const code = source.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '')
  if (/\bprocess\s*(\.|\[)/.test(code)) found.push('uses process')
  return found
}

describe('bundle discipline', () => {
  it('recognises what it forbids', () => {
    expect(forbiddenUses("import Docker from 'dockerode'")).toEqual(['imports dockerode'])
    expect(forbiddenUses("const fs = await import('node:fs')")).toEqual(['imports node:fs'])
    expect(forbiddenUses('const port = process.env.PORT')).toEqual(['uses process'])
    expect(forbiddenUses("import { z } from 'zod' // process.env is not read here")).toEqual([])
  })

  it('keeps handlers/ and storage/ free of dockerode, node:* and process', () => {
    const offenders = ['handlers', 'storage'].flatMap((dir) =>
      sourceFiles(join(root, dir)).flatMap((file) =>
        forbiddenUses(readFileSync(file, 'utf8')).map((problem) => `${relative(root, file)} ${problem}`),
      ),
    )
    expect(offenders).toEqual([])
  })
})
