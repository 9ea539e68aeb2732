import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createLineBatch, MAX_BATCH_CHARS } from '../../src/log-batch'

function fakeSink() {
  const writes: string[] = []
  let flushed = 0
  return {
    writes,
    flushes: () => flushed,
    sink: { write: (t: string) => writes.push(t), flushSync: () => void flushed++ },
  }
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('log lines handed on in batches', () => {
  it('the lines logged within the wait reach the destination as one write, in order', async () => {
    const { writes, sink } = fakeSink()
    const batch = createLineBatch(sink, 40)
    batch.write('a\n')
    await sleep(5)
    batch.write('b\n')
    batch.write('c\n')
    expect(writes).toEqual([])
    await sleep(60)
    expect(writes).toEqual(['a\nb\nc\n'])
    batch.write('d\n')
    await sleep(60)
    expect(writes).toEqual(['a\nb\nc\n', 'd\n'])
    // Idle: nothing more is written.
    await sleep(60)
    expect(writes).toHaveLength(2)
  })

  it('waits at most 50 ms by default, then hands the batch on', async () => {
    const { writes, sink } = fakeSink()
    const batch = createLineBatch(sink)
    batch.write('a\n')
    await sleep(20)
    expect(writes).toEqual([])
    await sleep(60)
    expect(writes).toEqual(['a\n'])
  })

  it('a big batch is handed on at once, without waiting for the turn to end', () => {
    const { writes, sink } = fakeSink()
    const batch = createLineBatch(sink)
    const line = `${'x'.repeat(1023)}\n`
    const lines = MAX_BATCH_CHARS / line.length
    for (let i = 0; i < lines - 1; i++) batch.write(line)
    expect(writes).toEqual([])
    batch.write(line)
    expect(writes).toEqual([line.repeat(lines)])
  })

  it('a batch handed on for its size leaves no timer behind: the next line waits its own time', async () => {
    const { writes, sink } = fakeSink()
    const batch = createLineBatch(sink, 100)
    const line = `${'x'.repeat(1023)}\n`
    const lines = MAX_BATCH_CHARS / line.length
    for (let i = 0; i < lines; i++) batch.write(line)
    await sleep(50)
    batch.write('next\n')
    // The first batch's timer would have fired 100 ms after its first line.
    await sleep(70)
    expect(writes).toEqual([line.repeat(lines)])
    await sleep(80)
    expect(writes).toEqual([line.repeat(lines), 'next\n'])
  })

  it('flushSync hands on what is gathered and flushes the destination', () => {
    const { writes, flushes, sink } = fakeSink()
    const batch = createLineBatch(sink)
    batch.write('last words\n')
    batch.flushSync()
    expect(writes).toEqual(['last words\n'])
    expect(flushes()).toBe(1)
    // Nothing gathered: the destination is flushed, but given no empty write.
    batch.flushSync()
    expect(writes).toEqual(['last words\n'])
    expect(flushes()).toBe(2)
  })

  it('a process that logs and then has nothing left to do still has its lines written as it ends', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'zapie-log-end-')), 'out.log')
    const script = `
      import { createNodeLogger } from './src/node-logger.ts'
      const logger = createNodeLogger('info', { fd: (await import('node:fs')).openSync(${JSON.stringify(path)}, 'a') })
      logger.info({ msg: 'only line' })
    `
    execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: join(import.meta.dirname, '..', '..'),
      stdio: 'pipe',
      timeout: 20_000,
    })
    expect(JSON.parse(readFileSync(path, 'utf8')).msg).toBe('only line')
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
