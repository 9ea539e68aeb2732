import { createHash } from 'node:crypto'
import { beforeEach, expect, it } from 'vitest'
import { auth, buildTestApp } from '../helpers/app'
import { fakeService } from '../helpers/fake-agent'
import { describeBothWays } from '../helpers/targets'

let built: Awaited<ReturnType<typeof buildTestApp>>
beforeEach(async () => {
  built = await buildTestApp({
    services: [fakeService('zapie-web-1'), fakeService('zapie-db-2')],
    env: { ZAPIE_BODY_LIMIT: '2048', ZAPIE_UPLOAD_LIMIT: String(2 * 1024 * 1024) },
  })
})

const json = (body: unknown, method = 'POST') => ({
  method,
  headers: { ...auth, 'content-type': 'application/json' },
  body: JSON.stringify(body),
})
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex')

describeBothWays(
  'backup handlers',
  () => built.app,
  (target) => {
    const req = (path: string, init: RequestInit = {}) =>
      target().request(path, { ...init, headers: { ...auth, ...(init.headers as object) } })
    const create = async (name = 'nightly', wait = true) => {
      const res = await target().request(`/api/services/zapie-web-1/backups${wait ? '?wait=true' : ''}`, json({ name }))
      return { res, body: await res.json() }
    }

    it('POST …/backups answers 202 with the backup id, or 201 with the backup when asked to wait', async () => {
      const started = await create('later', false)
      expect(started.res.status).toBe(202)
      expect(started.body).toEqual({
        success: true,
        message: 'Backup started',
        backupId: expect.stringMatching(/^bk_/),
        serviceId: 'zapie-web-1',
        status: 'running',
      })
      const done = await create('now', true)
      expect(done.res.status).toBe(201)
      expect(done.body.backup).toMatchObject({ name: 'now', consistency: 'pause', status: 'ok' })
    })

    it('POST …/backups validates its body and query', async () => {
      for (const body of [
        {},
        { name: '' },
        { name: 'x'.repeat(101) },
        { name: 'ok', consistency: 'freeze' },
        { name: 'ok', extra: 1 },
        { name: 7 },
      ]) {
        expect(
          (await target().request('/api/services/zapie-web-1/backups', json(body))).status,
          JSON.stringify(body),
        ).toBe(400)
      }
      expect((await target().request('/api/services/zapie-web-1/backups?wait=soon', json({ name: 'x' }))).status).toBe(
        400,
      )
      expect((await target().request('/api/services/zapie-ghost/backups', json({ name: 'x' }))).status).toBe(404)
    })

    it('passes on 409 when a job for the service is already running', async () => {
      const res = await target().request('/api/services/zapie-web-1/backups', json({ name: 'busy' }))
      expect(res.status).toBe(409)
      expect(await res.json()).toMatchObject({ success: false, code: 'operation_in_progress' })
    })

    it('GET …/backups lists newest first; GET …/storage reports bytes, count and the filesystem', async () => {
      const a = (await create('a')).body.backup
      const b = (await create('b')).body.backup
      const res = await req('/api/services/zapie-web-1/backups')
      expect(res.status).toBe(200)
      const body = await res.json()
      expect(body).toMatchObject({ success: true, serviceId: 'zapie-web-1', total: 2, corrupt: [] })
      expect(body.backups.map((x: { id: string }) => x.id)).toEqual([b.id, a.id])
      const storage = await (await req('/api/services/zapie-web-1/storage')).json()
      expect(storage.storage).toMatchObject({
        service: { bytes: a.size + b.size, count: 2 },
        filesystem: { total: expect.any(Number), free: expect.any(Number) },
      })
      // The original API's `used` and `total`, beside the breakdown.
      expect(storage.storage).toMatchObject({ used: a.size + b.size, total: storage.storage.filesystem.total })
    })

    it('GET …/download streams the archive with length, name, checksum and ranges', async () => {
      const backup = (await create()).body.backup
      const res = await req(`/api/services/zapie-web-1/backups/${backup.id}/download`)
      expect(res.status).toBe(200)
      const bytes = new Uint8Array(await res.arrayBuffer())
      expect(res.headers.get('content-length')).toBe(String(bytes.length))
      expect(res.headers.get('content-type')).toBe('application/gzip')
      expect(res.headers.get('content-disposition')).toBe(
        `attachment; filename="backup-zapie-web-1-${backup.id}.tar.gz"`,
      )
      expect(res.headers.get('x-checksum-sha256')).toBe(sha(bytes))
      expect(res.headers.get('accept-ranges')).toBe('bytes')
      const head = await req(`/api/services/zapie-web-1/backups/${backup.id}/download`, { method: 'HEAD' })
      expect(head.status).toBe(200)
      expect(head.headers.get('x-checksum-sha256')).toBe(sha(bytes))
      expect(head.headers.get('content-length')).toBe(String(bytes.length))
      const part = await req(`/api/services/zapie-web-1/backups/${backup.id}/download`, {
        headers: { range: 'bytes=2-5' },
      })
      expect(part.status).toBe(206)
      expect(part.headers.get('content-range')).toBe(`bytes 2-5/${bytes.length}`)
      expect(new Uint8Array(await part.arrayBuffer())).toEqual(bytes.slice(2, 6))
      const none = await req(`/api/services/zapie-web-1/backups/${backup.id}/download`, {
        headers: { range: 'bytes=99999-' },
      })
      expect(none.status).toBe(416)
      expect(none.headers.get('content-range')).toBe(`bytes */${bytes.length}`)
      expect(await none.json()).toMatchObject({
        success: false,
        code: 'range_not_satisfiable',
        requestId: expect.any(String),
      })
    })

    it('POST …/restore and DELETE pass results and 404s through', async () => {
      const backup = (await create()).body.backup
      const restored = await req(`/api/services/zapie-web-1/backups/${backup.id}/restore`, { method: 'POST' })
      expect(restored.status).toBe(200)
      expect((await restored.json()).restore).toMatchObject({ backupId: backup.id, serviceId: 'zapie-web-1' })
      // A backup belongs to its service only.
      expect((await req(`/api/services/zapie-db-2/backups/${backup.id}/restore`, { method: 'POST' })).status).toBe(404)
      expect((await req(`/api/services/zapie-web-1/backups/${backup.id}`, { method: 'DELETE' })).status).toBe(200)
      expect((await req(`/api/services/zapie-web-1/backups/${backup.id}`, { method: 'DELETE' })).status).toBe(404)
    })

    it.each([
      ['an encoded traversal', '..%2F..%2Fsrc'],
      ['an encoded dot-dot', '%2e%2e%2f'],
      ['a 300-character id', `bk_${'a'.repeat(300)}`],
      ['an id with a NUL', 'bk_mwxf0000_00000001%00'],
      ['a made-up id', 'backup-1'],
    ])('refuses %s as a backup id on every route with 400', async (_, id) => {
      for (const [method, path] of [
        ['DELETE', `/api/services/zapie-web-1/backups/${id}`],
        ['POST', `/api/services/zapie-web-1/backups/${id}/restore`],
        ['GET', `/api/services/zapie-web-1/backups/${id}/download`],
      ] as const) {
        const res = await req(path, { method })
        expect(res.status, `${method} ${path}`).toBe(400)
        expect(await res.json()).toMatchObject({
          code: 'invalid_input',
          details: expect.arrayContaining([expect.objectContaining({ path: 'param.backupId' })]),
        })
      }
    })

    it('POST …/upload streams past the JSON body limit, checks the checksum header and answers 201', async () => {
      const archive = new Uint8Array(64 * 1024).map((_, i) => i % 251)
      const res = await req('/api/services/zapie-web-1/backups/upload?name=moved', {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream', 'x-checksum-sha256': sha(archive) },
        body: archive,
      })
      expect(res.status, await res.clone().text()).toBe(201)
      const body = await res.json()
      expect(body).toMatchObject({
        success: true,
        backup: { name: 'moved', origin: 'upload', size: archive.length, sha256: sha(archive) },
        restore: { serviceId: 'zapie-web-1' },
      })
      const stored = await req('/api/services/zapie-web-1/backups/upload?restore=false', {
        method: 'POST',
        headers: { 'content-type': 'application/gzip' },
        body: archive,
      })
      expect((await stored.json()).restore).toBeNull()
      // Other routes keep the JSON limit.
      expect((await req('/api/services/zapie-web-1/backups', json({ name: 'x'.repeat(4000) }))).status).toBe(413)
    })

    it('POST …/upload refuses a wrong content type (415), a declared size over ZAPIE_UPLOAD_LIMIT (413), a bad checksum header (400)', async () => {
      const body = new Uint8Array(10)
      const upload = (headers: Record<string, string>) =>
        req('/api/services/zapie-web-1/backups/upload', { method: 'POST', headers, body })
      expect((await upload({ 'content-type': 'multipart/form-data; boundary=x' })).status).toBe(415)
      expect((await upload({ 'content-type': 'text/plain' })).status).toBe(415)
      // JSON is parsed, so it keeps the JSON body limit and the malformed-JSON answer.
      expect((await upload({ 'content-type': 'application/json' })).status).toBe(400)
      const bigJson = await req('/api/services/zapie-web-1/backups/upload', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: `"${'x'.repeat(4000)}"`,
      })
      expect(bigJson.status).toBe(413)
      expect(
        (await upload({ 'content-type': 'application/octet-stream', 'x-checksum-sha256': 'not-hex' })).status,
      ).toBe(400)
      expect(
        (await upload({ 'content-type': 'application/octet-stream', 'x-checksum-sha256': 'f'.repeat(64) })).status,
      ).toBe(422)
      const big = await target().request('/api/services/zapie-web-1/backups/upload', {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/octet-stream', 'content-length': String(3 * 1024 * 1024) },
        body: new Uint8Array(3 * 1024 * 1024),
      })
      expect(big.status).toBe(413)
    })

    it('GET/PUT/DELETE …/backups/schedule keep one schedule per service', async () => {
      expect((await (await req('/api/services/zapie-web-1/backups/schedule')).json()).schedule).toBeNull()
      const put = await target().request(
        '/api/services/zapie-web-1/backups/schedule',
        json({ cron: '0 3 * * *', keepLast: 7 }, 'PUT'),
      )
      expect(put.status).toBe(200)
      expect((await put.json()).schedule).toMatchObject({
        cron: '0 3 * * *',
        keepLast: 7,
        enabled: true,
        consistency: 'pause',
      })
      for (const body of [
        {},
        { cron: '0 3 * * *', keepLast: 0 },
        { cron: '0 3 * * *', maxAgeDays: -1 },
        { cron: '0 3 * * *', every: 'day' },
      ]) {
        expect(
          (await target().request('/api/services/zapie-web-1/backups/schedule', json(body, 'PUT'))).status,
          JSON.stringify(body),
        ).toBe(400)
      }
      expect((await req('/api/services/zapie-web-1/backups/schedule', { method: 'DELETE' })).status).toBe(200)
      expect((await req('/api/services/zapie-web-1/backups/schedule', { method: 'DELETE' })).status).toBe(404)
    })
  },
)
