import { createHash } from 'node:crypto'
import { beforeEach, expect, it } from 'vitest'
import { auth, buildTestApp } from '../helpers/app'
import { fakeService } from '../helpers/fake-agent'
import { describeBothWays } from '../helpers/targets'

let built: Awaited<ReturnType<typeof buildTestApp>>
beforeEach(async () => {
  built = await buildTestApp({ services: [fakeService('zapie-web-1'), fakeService('zapie-db-2')] })
})

const json = (body: unknown, method = 'POST') => ({
  method,
  headers: { ...auth, 'content-type': 'application/json' },
  body: JSON.stringify(body),
})
const UNKNOWN = 'bk_zzzzzz_00000000'

describeBothWays(
  'backups by id (GET /api/backups, …/:backupId/download, DELETE, restore into a new service)',
  () => built.app,
  (target) => {
    const req = (path: string, init: RequestInit = {}) =>
      target().request(path, { ...init, headers: { ...auth, ...(init.headers as object) } })
    const backupOf = async (service: string, name = 'nightly') => {
      const res = await target().request(`/api/services/${service}/backups?wait=true`, json({ name }))
      expect(res.status).toBe(201)
      return (await res.json()).backup as { id: string; sha256: string; size: number }
    }
    /** A template with a volume at /data, as the fake backups hold, and the backup marked as made from it. */
    const fromTemplate = async (backupId: string) => {
      const res = await target().request(
        '/api/templates',
        json({
          name: 'Box',
          image: 'zapie-test/busybox:latest',
          volumes: [{ container: '/data' }],
          env: [{ name: 'TOKEN', secret: true, generate: 'password' }],
        }),
      )
      expect(res.status, await res.clone().text()).toBe(201)
      const { template } = await res.json()
      const summary = built.services.flatMap((s) => s.backups).find((b) => b.summary.id === backupId)!.summary
      Object.assign(summary, { template: template.slug, templateId: template.id, tier: 'basic' })
      return template as { id: string; slug: string }
    }

    it('GET /api/backups lists every backup, newest first, and keeps those of a deleted service unless deleteBackups=true', async () => {
      const web = await backupOf('zapie-web-1')
      const db = await backupOf('zapie-db-2')
      let body = await (await req('/api/backups')).json()
      expect(body).toMatchObject({ success: true, total: 2, corrupt: [] })
      expect(body.backups.map((b: { id: string }) => b.id).sort()).toEqual([web.id, db.id].sort())

      const removed = await req('/api/services/zapie-web-1', { method: 'DELETE' })
      expect(await removed.json()).toMatchObject({
        backupsKept: [web.id],
        message: expect.stringContaining('1 backup(s) were kept'),
      })
      body = await (await req('/api/backups?serviceId=zapie-web-1')).json()
      expect(body.backups).toEqual([
        expect.objectContaining({ id: web.id, serviceId: 'zapie-web-1', serviceExists: false }),
      ])

      const purged = await req('/api/services/zapie-db-2?deleteBackups=true', { method: 'DELETE' })
      expect(await purged.json()).toMatchObject({ backupsDeleted: [db.id], backupsKept: [] })
      body = await (await req('/api/backups')).json()
      expect(body.backups.map((b: { id: string }) => b.id)).toEqual([web.id])
    })

    it('GET /api/backups validates its query; DELETE /api/services/:id validates deleteBackups', async () => {
      for (const query of ['?serviceId=', `?serviceId=${'x'.repeat(129)}`, '?other=1']) {
        expect((await req(`/api/backups${query}`)).status, query).toBe(400)
      }
      expect((await req('/api/services/zapie-web-1?deleteBackups=maybe', { method: 'DELETE' })).status).toBe(400)
    })

    it('download and delete by id: 400 for a malformed id, 404 for an unknown one, the archive and its checksum otherwise', async () => {
      const backup = await backupOf('zapie-web-1')
      await req('/api/services/zapie-web-1', { method: 'DELETE' })
      for (const bad of ['..%2F..%2Fetc', 'bk_short', 'BK_MF3K2A1B_1A2B3C4D']) {
        expect((await req(`/api/backups/${bad}/download`)).status, bad).toBe(400)
        expect((await req(`/api/backups/${bad}`, { method: 'DELETE' })).status, bad).toBe(400)
      }
      expect((await req(`/api/backups/${UNKNOWN}/download`)).status).toBe(404)
      expect((await req(`/api/backups/${UNKNOWN}`, { method: 'DELETE' })).status).toBe(404)

      const res = await req(`/api/backups/${backup.id}/download`)
      expect(res.status).toBe(200)
      expect(res.headers.get('x-checksum-sha256')).toBe(backup.sha256)
      expect(
        createHash('sha256')
          .update(Buffer.from(await res.arrayBuffer()))
          .digest('hex'),
      ).toBe(backup.sha256)
      expect((await req(`/api/backups/${backup.id}/download`, { headers: { range: 'bytes=0-3' } })).status).toBe(206)

      const deleted = await req(`/api/backups/${backup.id}`, { method: 'DELETE' })
      expect(await deleted.json()).toEqual({ success: true, message: 'Backup deleted', backupId: backup.id })
      expect((await req(`/api/backups/${backup.id}`, { method: 'DELETE' })).status).toBe(404)
    })

    it('POST /api/backups/:backupId/restore validates: 400 bad id or body, 404 unknown, 422 no template, 409 name taken', async () => {
      const backup = await backupOf('zapie-web-1')
      expect((await target().request('/api/backups/nope/restore', json({ serviceName: 'x' }))).status).toBe(400)
      for (const body of [
        {},
        { serviceName: '' },
        { serviceName: 'ok', tier: 'gold' },
        { serviceName: 'ok', extra: 1 },
        { serviceName: 'ok', env: { 'bad name': 'x' } },
      ]) {
        expect(
          (await target().request(`/api/backups/${backup.id}/restore`, json(body))).status,
          JSON.stringify(body),
        ).toBe(400)
      }
      expect((await target().request(`/api/backups/${UNKNOWN}/restore`, json({ serviceName: 'again' }))).status).toBe(
        404,
      )
      // The fake's backups come from no template: nothing to deploy.
      const orphan = await target().request(`/api/backups/${backup.id}/restore`, json({ serviceName: 'again' }))
      expect(orphan.status).toBe(422)

      const template = await fromTemplate(backup.id)
      await req('/api/services/zapie-web-1', { method: 'DELETE' })
      const res = await target().request(`/api/backups/${backup.id}/restore`, json({ serviceName: 'Web Again' }))
      expect(res.status, await res.clone().text()).toBe(201)
      const body = await res.json()
      expect(body).toMatchObject({
        success: true,
        backupId: backup.id,
        sourceServiceId: 'zapie-web-1',
        displayName: 'web-again',
        templateId: template.id,
        template: 'basic',
        containerName: expect.stringMatching(new RegExp(`^zapie-${template.slug}-web-again-[0-9a-f]{8}$`)),
        envFromBackup: ['TOKEN'],
        generatedSecrets: {},
      })
      expect(built.services.map((s) => s.summary.name)).toContain(body.containerName)

      const taken = await target().request(`/api/backups/${backup.id}/restore`, json({ serviceName: 'web-again' }))
      expect(taken.status).toBe(409)
      expect(await taken.json()).toMatchObject({ success: false, code: 'service_exists' })
    })
  },
)
