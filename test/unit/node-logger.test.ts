import { spawn } from 'node:child_process'
import fs from 'node:fs'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createNodeLogger } from '../../src/node-logger'
import { auth, buildTestApp } from '../helpers/app'

afterEach(() => vi.restoreAllMocks())

const logFile = () => join(mkdtempSync(join(tmpdir(), 'zapie-log-')), 'out.log')
const linesOf = (path: string) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>)

async function until(check: () => boolean, ms = 2000) {
  const end = Date.now() + ms
  while (!check() && Date.now() < end) await new Promise((r) => setTimeout(r, 10))
}

describe('the Node logger', () => {
  it('serves requests without a synchronous write, and the request lines still arrive', async () => {
    const path = logFile()
    const logger = createNodeLogger('info', { path })
    const { app } = await buildTestApp({ logger })
    // Let the destination open its file first: opening is not what a request pays for.
    logger.info({ msg: 'started' })
    await until(() => fs.existsSync(path) && readFileSync(path, 'utf8').includes('started'))
    const writeSync = vi.spyOn(fs, 'writeSync')
    const appendFileSync = vi.spyOn(fs, 'appendFileSync')
    const stdout = vi.spyOn(process.stdout, 'write')
    for (let i = 0; i < 50; i++) expect((await app.request('/api/templates', { headers: auth })).status).toBe(200)
    expect(writeSync).not.toHaveBeenCalled()
    expect(appendFileSync).not.toHaveBeenCalled()
    expect(stdout).not.toHaveBeenCalled()
    await until(() => linesOf(path).filter((l) => l.msg === 'request').length === 50)
    const requests = linesOf(path).filter((l) => l.msg === 'request')
    expect(requests).toHaveLength(50)
    expect(requests[0]).toMatchObject({
      level: 'info',
      method: 'GET',
      path: '/api/templates',
      status: 200,
      requestId: expect.any(String),
    })
    expect(Date.parse(String(requests[0]!.time))).not.toBeNaN()
  })

  it('writes a request line exactly as info() would, redacted the same way, and none below its level', () => {
    const path = logFile()
    const logger = createNodeLogger('info', { fd: fs.openSync(path, 'a') })
    const lines = [
      { requestId: 'a1', method: 'GET', path: '/api/health', status: 200, durationMs: 1.5 },
      { requestId: 'b-2=', method: 'DELETE', path: '/api/x/"quoted"\\back\u00e9\u2028', status: 404, durationMs: 0 },
      { requestId: 'c3', method: 'GET', path: '/api/backups/password=hunter22/x', status: 401, durationMs: 12.3 },
    ]
    for (const line of lines) {
      logger.info({ msg: 'request', ...line })
      logger.request(line)
    }
    logger.flush()
    const written = readFileSync(path, 'utf8').split('\n').filter(Boolean)
    const timeless = (l: string) => l.replace(/"time":"[^"]+"/, '"time":"T"')
    expect(written).toHaveLength(6)
    for (let i = 0; i < 6; i += 2) expect(timeless(written[i + 1]!)).toBe(timeless(written[i]!))
    expect(JSON.parse(written[3]!).path).toBe(lines[1]!.path)
    expect(written[5]).not.toContain('hunter22')
    expect(Date.parse(JSON.parse(written[1]!).time)).not.toBeNaN()

    const quiet = logFile()
    const warnOnly = createNodeLogger('warn', { fd: fs.openSync(quiet, 'a') })
    warnOnly.request(lines[0]!)
    warnOnly.flush()
    expect(readFileSync(quiet, 'utf8')).toBe('')
  })

  it('keeps the level filter, hides passwords in URLs and writes everything out on flush', () => {
    const path = logFile()
    // An open descriptor, as stdout is: flush can write at once.
    const logger = createNodeLogger('warn', { fd: fs.openSync(path, 'a') })
    logger.info({ msg: 'too chatty' })
    logger.warn({ msg: 'engine said', error: 'connect to redis://admin:hunter2@db:6379 failed' })
    // Written before flush returns: not handed to an asynchronous write still under way after it.
    const asyncWrite = vi.spyOn(fs, 'write')
    logger.flush()
    expect(asyncWrite).not.toHaveBeenCalled()
    const lines = linesOf(path)
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatchObject({ level: 'warn', msg: 'engine said' })
    expect(JSON.stringify(lines[0])).not.toContain('hunter2')
  })

  it('goes back to asynchronous writes after a flush, and writes every level it is set to', async () => {
    const path = logFile()
    const logger = createNodeLogger('debug', { fd: fs.openSync(path, 'a') })
    const writeSync = vi.spyOn(fs, 'writeSync')
    logger.debug({ msg: 'one' })
    await until(() => linesOf(path).length === 1)
    expect(writeSync).not.toHaveBeenCalled()
    logger.flush()
    writeSync.mockClear()
    logger.info({ msg: 'two' })
    logger.warn({ msg: 'three' })
    logger.error({ msg: 'four' })
    await until(() => linesOf(path).length === 4)
    expect(writeSync).not.toHaveBeenCalled()
    expect(linesOf(path).map((l) => [l.level, l.msg])).toEqual([
      ['debug', 'one'],
      ['info', 'two'],
      ['warn', 'three'],
      ['error', 'four'],
    ])
  })

  it('settles before a shutdown: a reader slower than the log still gets every line, whole and in order', async () => {
    // stdout a pipe nobody reads for a while, as behind a terminal or a container's log pipe:
    // the log's write under way waits, and a plain flush at exit lost it (or cut it mid-line)
    // while writing what came after.
    const lines = 6000
    const script = `
      import { createNodeLogger } from './src/node-logger.ts'
      const logger = createNodeLogger('info')
      for (let i = 1; i <= ${lines}; i++) {
        logger.request({ requestId: 'line-' + i, method: 'GET', path: '/api/${'x'.repeat(100)}', status: 200, durationMs: 0 })
        if (i % 500 === 0) await new Promise((r) => setTimeout(r, 5))
      }
      await logger.settle()
      process.exit(0)
    `
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    child.stdout.pause()
    await new Promise((r) => setTimeout(r, 1500))
    let out = ''
    // Then a slow reader: a chunk at a time, with a pause after each.
    child.stdout.on('data', (chunk) => {
      out += chunk
      child.stdout.pause()
      setTimeout(() => child.stdout.resume(), 1)
    })
    child.stdout.resume()
    const code = await new Promise((resolve) => child.on('close', resolve))
    expect(code).toBe(0)
    const ids = out
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line).requestId)
    expect(ids).toEqual(Array.from({ length: lines }, (_, i) => `line-${i + 1}`))
  }, 30_000)
})
