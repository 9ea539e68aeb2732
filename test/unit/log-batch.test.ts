import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createLineBatch } from '../../src/log-batch'

function fakeSink() {
  const writes: string[] = []
  let flushed = 0
  return {
    writes,
    flushes: () => flushed,
    sink: { write: (t: string) => writes.push(t), flushSync: () => void flushed++ },
  }
}
const nextTurn = () => new Promise((r) => setImmediate(r))

describe('log lines handed on in batches', () => {
  it('the lines of one event-loop turn reach the destination as one write, in order', async () => {
    const { writes, sink } = fakeSink()
    const batch = createLineBatch(sink)
    batch.write('a\n')
    batch.write('b\n')
    batch.write('c\n')
    expect(writes).toEqual([])
    await nextTurn()
    expect(writes).toEqual(['a\nb\nc\n'])
    batch.write('d\n')
    await nextTurn()
    expect(writes).toEqual(['a\nb\nc\n', 'd\n'])
    // Idle: nothing more is written.
    await nextTurn()
    expect(writes).toHaveLength(2)
  })

  it('a big batch is handed on at once, without waiting for the turn to end', () => {
    const { writes, sink } = fakeSink()
    const batch = createLineBatch(sink)
    const line = `${'x'.repeat(1023)}\n`
    for (let i = 0; i < 16; i++) batch.write(line)
    expect(writes).toEqual([line.repeat(16)])
  })

  it('flushSync hands on what is gathered and flushes the destination', () => {
    const { writes, flushes, sink } = fakeSink()
    const batch = createLineBatch(sink)
    batch.write('last words\n')
    batch.flushSync()
    expect(writes).toEqual(['last words\n'])
    expect(flushes()).toBe(1)
  })

  it('lines logged just before the process exits are in the log', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'zapie-log-exit-')), 'out.log')
    const script = `
      import { createNodeLogger } from './src/node-logger.ts'
      const logger = createNodeLogger('info', { fd: (await import('node:fs')).openSync(${JSON.stringify(path)}, 'a') })
      for (let i = 0; i < 3; i++) logger.info({ msg: 'line ' + i })
      process.exit(3)
    `
    try {
      execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        cwd: join(import.meta.dirname, '..', '..'),
        stdio: 'pipe',
      })
    } catch (err) {
      expect((err as { status: number }).status).toBe(3)
    }
    const msgs = readFileSync(path, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).msg)
    expect(msgs).toEqual(['line 0', 'line 1', 'line 2'])
  })
})
