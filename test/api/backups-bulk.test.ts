import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  cleanupTestResources,
  createTestContainer,
  createTestVolume,
  DEPLOY_RUN_LABEL,
  dockerCli,
  RUN_ID,
  TEST_IMAGE,
} from '../helpers/docker'
import { api, call, events, json } from './client'

afterAll(cleanupTestResources)

const post = (body: unknown) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
})

describe(`backups and bulk API [${api.mode}]`, () => {
  let svc: Awaited<ReturnType<typeof createTestContainer>>
  let backupId: string
  let archive: Buffer
  beforeAll(async () => {
    const volume = await createTestVolume()
    svc = await createTestContainer({ volume: { name: volume, path: '/data' } })
    await dockerCli(
      'exec',
      svc.name,
      'sh',
      '-c',
      'echo original > /data/file.txt && dd if=/dev/urandom of=/data/blob bs=1k count=256 2>/dev/null',
    )
  })

  it('backs a service up and lists it', async () => {
    const stream = await events(`?types=backup-progress&services=${svc.name}`)
    const created = await json(`/api/services/${svc.name}/backups?wait=true`, post({ name: 'api suite' }))
    expect(created.status, JSON.stringify(created.body)).toBe(201)
    backupId = created.body.backup.id
    // Each progress event matches its documented payload (checked by the client), in one vocabulary.
    const done = await stream.waitFor((e) => e.event === 'backup-progress' && JSON.parse(e.data).phase === 'done')
    expect(JSON.parse(done.data)).toMatchObject({
      backupId,
      serviceId: svc.name,
      serviceName: svc.name,
      containerId: svc.id,
    })
    stream.close()
    const { body } = await json(`/api/services/${svc.name}/backups`)
    expect(body.backups[0]).toMatchObject({ id: backupId, name: 'api suite', status: 'ok', consistency: 'pause' })
  })

  it('streams the download with its checksum, length and ranges', async () => {
    const res = await call(`/api/services/${svc.name}/backups/${backupId}/download`)
    expect(res.status).toBe(200)
    archive = Buffer.from(await res.arrayBuffer())
    expect(Number(res.headers.get('content-length'))).toBe(archive.length)
    expect(res.headers.get('content-disposition')).toContain(`backup-${svc.name}-${backupId}.tar.gz`)
    expect(createHash('sha256').update(archive).digest('hex')).toBe(res.headers.get('x-checksum-sha256'))
    const part = await call(`/api/services/${svc.name}/backups/${backupId}/download`, {
      headers: { range: 'bytes=10-19' },
    })
    expect(part.status).toBe(206)
    expect(Buffer.from(await part.arrayBuffer())).toEqual(archive.subarray(10, 20))
  })

  it('restores the data as it was', async () => {
    await dockerCli('exec', svc.name, 'sh', '-c', 'echo changed > /data/file.txt')
    const restored = await json(`/api/services/${svc.name}/backups/${backupId}/restore`, { method: 'POST' })
    expect(restored.status, JSON.stringify(restored.body)).toBe(200)
    expect(await dockerCli('exec', svc.name, 'cat', '/data/file.txt')).toBe('original')
  })

  it('takes an uploaded archive as a new backup', async () => {
    const res = await call(`/api/services/${svc.name}/backups/upload?restore=false&name=uploaded`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: new Uint8Array(archive),
    })
    expect(res.status, await res.clone().text()).toBe(201)
    const { backup } = await res.json()
    expect(backup).toMatchObject({ name: 'uploaded', sha256: createHash('sha256').update(archive).digest('hex') })
  })

  it('refuses traversal in backup ids', async () => {
    for (const id of ['..%2F..%2Fsrc', '%2e%2e%2f']) {
      expect([400, 404]).toContain((await call(`/api/services/${svc.name}/backups/${id}`, { method: 'DELETE' })).status)
    }
  })

  it('runs a bulk operation with exact per-item results', async () => {
    const stream = await events('?types=bulk-progress,service-action')
    const { status, body } = await json(
      '/api/services/bulk/restart',
      post({ serviceIds: [svc.name, 'zapie-nobody-here', svc.name] }),
    )
    expect(status).toBe(207)
    await stream.waitFor((e) => e.event === 'bulk-progress' && JSON.parse(e.data).status === 'finished')
    stream.close()
    expect(body.results).toMatchObject({
      success: 1,
      failed: 1,
      errors: [{ serviceId: 'zapie-nobody-here', code: 'not_found' }],
    })
    expect(body.items).toHaveLength(2)
  })

  it('keeps the backups of a deleted service: lists them, downloads by id and restores into a new service', async () => {
    const template = await json(
      '/api/templates',
      post({
        name: `orphans-${api.mode}-${RUN_ID}`,
        image: TEST_IMAGE,
        networkMode: 'none',
        command: ['sh', '-c', 'trap "exit 0" TERM; sleep 3600 & wait'],
        env: [{ name: 'APP_SECRET', secret: true, generate: 'password' }],
        volumes: [{ container: '/srv/data' }],
        labels: { [DEPLOY_RUN_LABEL]: RUN_ID },
      }),
    )
    expect(template.status, JSON.stringify(template.body)).toBe(201)
    const deployed = await json(
      '/api/deploy?wait=true',
      post({ templateId: template.body.template.id, serviceName: 'keep' }),
    )
    expect(deployed.status, JSON.stringify(deployed.body)).toBe(201)
    const old = deployed.body.containerName as string
    await dockerCli('exec', old, 'sh', '-c', 'echo "kept through delete" > /srv/data/notes.txt')
    const backup = (await json(`/api/services/${old}/backups?wait=true`, post({ name: 'before delete' }))).body.backup
    expect((await json(`/api/services/${old}?keepData=false`, { method: 'DELETE' })).body).toMatchObject({
      backupsKept: [backup.id],
    })

    const { body } = await json(`/api/backups?serviceId=${old}`)
    expect(body.backups).toEqual([
      expect.objectContaining({
        id: backup.id,
        serviceId: old,
        serviceExists: false,
        templateId: template.body.template.id,
      }),
    ])
    const download = await call(`/api/backups/${backup.id}/download`)
    expect(download.status).toBe(200)
    expect(
      createHash('sha256')
        .update(Buffer.from(await download.arrayBuffer()))
        .digest('hex'),
    ).toBe(backup.sha256)

    const restored = await json(`/api/backups/${backup.id}/restore`, post({ serviceName: 'keep-again' }))
    expect(restored.status, JSON.stringify(restored.body)).toBe(201)
    expect(await dockerCli('exec', restored.body.containerName, 'cat', '/srv/data/notes.txt')).toBe(
      'kept through delete',
    )
    expect((await json(`/api/backups/${backup.id}/restore`, post({ serviceName: 'keep-again' }))).status).toBe(409)
    expect(
      (
        await json(`/api/services/${restored.body.containerName}?keepData=false&deleteBackups=true`, {
          method: 'DELETE',
        })
      ).status,
    ).toBe(200)
    expect((await json(`/api/backups/${backup.id}`, { method: 'DELETE' })).status).toBe(200)
  })
})
