import { createHash } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import { createHttpAgentClient } from '../../src/agent/http-client'
import { AppError } from '../../src/errors'
import { fakeService } from '../helpers/fake-agent'
import { serveFakeAgent } from '../helpers/fake-agent-server'

const server = serveFakeAgent([fakeService('zapie-web-1')])
const { token: TOKEN } = server
let remote: ReturnType<typeof createHttpAgentClient>
beforeAll(() => {
  remote = createHttpAgentClient({ url: server.url, token: TOKEN })
})

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex')
const streamOf = (bytes: Uint8Array) =>
  new ReadableStream<Uint8Array>({
    start(c) {
      for (let i = 0; i < bytes.length; i += 64 * 1024) c.enqueue(bytes.slice(i, i + 64 * 1024))
      c.close()
    },
  })

describe('backups through the agent HTTP API', () => {
  it('carries long calls (a backup with wait) and their errors with the right status', async () => {
    const job = await remote.createBackup('zapie-web-1', { name: 'over http', consistency: 'live', wait: true })
    expect(job).toMatchObject({ status: 'completed', backup: { name: 'over http', consistency: 'live' } })
    const err = await remote
      .createBackup('zapie-web-1', { name: 'busy', consistency: 'pause', wait: false })
      .catch((e) => e)
    expect(err).toBeInstanceOf(AppError)
    expect(err).toMatchObject({ status: 409, code: 'operation_in_progress' })
    const missing = await remote.restoreBackup('zapie-web-1', 'bk_mwxf0000_00000000').catch((e) => e)
    expect(missing).toMatchObject({ status: 404, code: 'not_found' })
  })

  it('passes a download through: the whole archive, a range, and 416 with the size', async () => {
    const { backup } = (await remote.createBackup('zapie-web-1', { name: 'dl', consistency: 'pause', wait: true })) as {
      backup: { id: string; sha256: string; size: number }
    }
    const full = await remote.openBackupDownload('zapie-web-1', backup.id, {})
    if (full.status === 416) throw new Error('unexpected 416')
    const bytes = new Uint8Array(await new Response(full.body).arrayBuffer())
    expect(full).toMatchObject({
      status: 200,
      size: backup.size,
      start: 0,
      end: backup.size - 1,
      sha256: backup.sha256,
      filename: `backup-zapie-web-1-${backup.id}.tar.gz`,
    })
    expect(sha(bytes)).toBe(backup.sha256)
    const part = await remote.openBackupDownload('zapie-web-1', backup.id, { range: 'bytes=3-7' })
    if (part.status === 416) throw new Error('unexpected 416')
    expect(part).toMatchObject({ status: 206, start: 3, end: 7, size: backup.size })
    expect(new Uint8Array(await new Response(part.body).arrayBuffer())).toEqual(bytes.slice(3, 8))
    expect(await remote.openBackupDownload('zapie-web-1', backup.id, { range: 'bytes=5000-' })).toEqual({
      status: 416,
      size: backup.size,
      sha256: backup.sha256,
      filename: `backup-zapie-web-1-${backup.id}.tar.gz`,
    })
  })

  it('streams an upload past the 1 MiB JSON limit of the agent, then restores it as its own call', async () => {
    const archive = new Uint8Array(3 * 1024 * 1024).map((_, i) => (i * 7) % 256)
    const result = await remote.uploadBackup('zapie-web-1', streamOf(archive), {
      restore: true,
      sha256: sha(archive),
      limit: 10 * 1024 * 1024,
    })
    expect(result.backup).toMatchObject({ origin: 'upload', size: archive.length, sha256: sha(archive) })
    expect(result.restore).toMatchObject({ backupId: result.backup.id })
    const err = await remote
      .uploadBackup('zapie-web-1', streamOf(archive), {
        restore: false,
        sha256: 'f'.repeat(64),
        limit: 10 * 1024 * 1024,
      })
      .catch((e) => e)
    expect(err).toMatchObject({ status: 422, code: 'checksum_mismatch' })
  })

  it('validates backup ids and bulk arguments before calling the agent', async () => {
    const rpc = (method: string, args: unknown[]) =>
      fetch(`${server.url}/rpc/${method}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ args }),
      })
    expect((await rpc('deleteBackup', ['zapie-web-1', '../../src', {}])).status).toBe(400)
    expect((await rpc('bulkOperation', ['explode', ['zapie-web-1'], {}])).status).toBe(400)
    expect(
      (
        await fetch(`${server.url}/backups/zapie-web-1/..%2F..%2Fsrc/download`, {
          headers: { authorization: `Bearer ${TOKEN}` },
        })
      ).status,
    ).toBe(400)
    expect((await fetch(`${server.url}/backups/zapie-web-1/bk_mwxf0000_00000000/download`)).status).toBe(401)
    expect(
      (await fetch(`${server.url}/backups/zapie-web-1/upload?restore=true&limit=1`, { method: 'POST', body: 'x' }))
        .status,
    ).toBe(401)
  })

  it('runs bulk operations remotely', async () => {
    const result = await remote.bulkOperation('restart', ['zapie-web-1', 'zapie-ghost'], {
      keepData: true,
      consistency: 'pause',
    })
    expect(result).toMatchObject({ success: false, results: { success: 1, failed: 1 } })
  })

  // Last: the agent answers 413 before reading the body and closes that connection.
  it('keeps the 1 MiB limit on plain calls', async () => {
    const res = await fetch(`${server.url}/rpc/listBackups`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ args: ['zapie-web-1', { pad: 'x'.repeat(2 * 1024 * 1024) }] }),
    })
    expect(res.status).toBe(413)
  })
})
