import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import http from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { auth } from '../helpers/app'
import { cleanupTestResources, createTestContainer, createTestVolume } from '../helpers/docker'
import { AGENT_MODES, appWithRealAgent } from '../helpers/real-agent'
import { listen } from '../helpers/targets'

const dirs: string[] = []
afterAll(async () => {
  await cleanupTestResources()
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

const IDLE_MS = 1500

/** Sends the headers and half the body of an upload, then goes quiet with the connection open. */
function stalledUpload(url: string) {
  const total = 2 * 1024 * 1024
  const request = http.request(url, {
    method: 'POST',
    agent: false,
    headers: { ...auth, 'content-type': 'application/octet-stream', 'content-length': String(total) },
  })
  request.write(Buffer.alloc(total / 2, 7))
  const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
    request.on('response', (res) => {
      let body = ''
      res.on('data', (c) => (body += c))
      res.on('end', () => resolve({ status: res.statusCode!, body }))
    })
    request.on('error', reject)
  })
  return { response, close: () => request.destroy() }
}

/**
 * Issue #10 item 7: a stalled upload held the service's backup lock (and a partial file) until
 * Node's 300 s request timeout, which also cut healthy large uploads. Now silence for
 * ZAPIE_UPLOAD_IDLE_TIMEOUT_MS ends the upload; the total time is not limited.
 */
describe.each(AGENT_MODES)('a stalled backup upload [%s agent]', (mode) => {
  let ctx: Awaited<ReturnType<typeof appWithRealAgent>>
  let server: Awaited<ReturnType<typeof listen>>
  let dataDir: string

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'zapie-upload-idle-'))
    dirs.push(dataDir)
    ctx = await appWithRealAgent(mode, { dataDir, env: { ZAPIE_UPLOAD_IDLE_TIMEOUT_MS: String(IDLE_MS) } })
    server = await listen(ctx.app)
  })
  afterAll(async () => {
    await server?.close()
    await ctx?.close()
  })

  it('is aborted after the idle timeout with 408; the lock is released and no partial file stays', async () => {
    const volume = await createTestVolume()
    const svc = await createTestContainer({ volume: { name: volume, path: '/data' } })
    const serviceDir = join(dataDir, 'backups', svc.name)
    const stalled = stalledUpload(`${server.url}/api/services/${svc.name}/backups/upload`)
    try {
      // While it stalls it holds the service: a backup has to wait its turn.
      await expect
        .poll(() => existsSync(serviceDir) && readdirSync(serviceDir).some((f) => f.endsWith('.partial')), {
          timeout: 5000,
        })
        .toBe(true)
      const busy = await fetch(`${server.url}/api/services/${svc.name}/backups`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'while stalled' }),
      })
      expect(busy.status).toBe(409)

      const { status, body } = await stalled.response
      expect(status).toBe(408)
      expect(JSON.parse(body)).toMatchObject({
        success: false,
        code: 'upload_stalled',
        error: expect.stringContaining('ZAPIE_UPLOAD_IDLE_TIMEOUT_MS'),
      })
    } finally {
      stalled.close()
    }

    expect(readdirSync(serviceDir).filter((f) => f.endsWith('.partial'))).toEqual([])
    const backup = await fetch(`${server.url}/api/services/${svc.name}/backups?wait=true`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'after the stall' }),
    })
    expect(backup.status, await backup.clone().text()).toBe(201)
    expect(readdirSync(serviceDir).filter((f) => f.endsWith('.partial'))).toEqual([])
  })
})
