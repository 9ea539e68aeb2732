import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { extract } from 'tar-stream'
import { afterAll, describe, expect, it } from 'vitest'

// What the bundle gives dockerode for tar-fs (scripts/build.mjs aliases it): the real module,
// evaluated on the first call instead of at every start.
const require = createRequire(import.meta.url)
const tarFs = require('../../scripts/bundle-stubs/tar-fs.cjs') as {
  pack: (dir: string, options?: object) => Readable
  extract: (dir: string) => NodeJS.WritableStream
}
const dir = mkdtempSync(join(tmpdir(), 'zapie-tar-fs-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

async function entries(tar: Readable): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  const reader = extract()
  tar.pipe(reader)
  for await (const entry of reader) {
    const chunks: Buffer[] = []
    for await (const chunk of entry) chunks.push(chunk as Buffer)
    out[entry.header.name] = Buffer.concat(chunks).toString('utf8')
  }
  return out
}

describe('the bundle stand-in for tar-fs', () => {
  it('packs a build context on first use, as docker.buildImage() of a directory needs', async () => {
    writeFileSync(join(dir, 'Dockerfile'), 'FROM zapie-test/busybox:latest\n')
    expect(await entries(tarFs.pack(dir))).toEqual({ '.': '', Dockerfile: 'FROM zapie-test/busybox:latest\n' })
    expect(typeof tarFs.extract).toBe('function')
  })
})
