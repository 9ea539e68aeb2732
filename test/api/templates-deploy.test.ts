import { afterAll, describe, expect, it } from 'vitest'
import { cleanupTestResources, DEPLOY_RUN_LABEL, dockerCli, RUN_ID, TEST_IMAGE } from '../helpers/docker'
import { api, call, events, json } from './client'

afterAll(cleanupTestResources)

const post = (body: unknown) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
})

describe(`templates and deploy API [${api.mode}]`, () => {
  const name = `api-${api.mode}-${RUN_ID}`
  let templateId: string

  it('creates, validates and finds a template', async () => {
    const invalid = await json('/api/templates/validate', post({ name: 'x', image: TEST_IMAGE, privileged: true }))
    expect(invalid.body.isValid).toBe(false)
    const created = await json(
      '/api/templates',
      post({
        name,
        image: TEST_IMAGE,
        category: 'web',
        networkMode: 'none',
        command: ['sh', '-c', 'echo up; trap "exit 0" TERM; sleep 3600 & wait'],
        env: [{ name: 'APP_SECRET', secret: true, generate: 'password' }],
        volumes: [{ container: '/data' }],
        labels: { [DEPLOY_RUN_LABEL]: RUN_ID },
        tiers: { basic: { memory: '64m', cpus: 0.25 } },
      }),
    )
    expect(created.status).toBe(201)
    templateId = created.body.template.id
    const found = await json(`/api/templates?search=${encodeURIComponent(name.toUpperCase())}`)
    expect(found.body.templates.map((t: { id: string }) => t.id)).toEqual([templateId])
  })

  it('deploys it, streaming progress, and the service runs with its secret redacted', async () => {
    const deploymentId = `dep-${api.mode}-${RUN_ID}`
    const stream = await events(`?deploymentId=${deploymentId}`)
    const res = await json(
      '/api/deploy?wait=true',
      post({ templateId, serviceName: 'apisuite', tier: 'basic', deploymentId }),
    )
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    const done = await stream.waitFor(
      (e) => e.event === 'deployment-progress' && JSON.parse(e.data).step === 'done',
      10_000,
    )
    expect(JSON.parse(done.data).deploymentId).toBe(deploymentId)
    // One vocabulary: serviceId and serviceName are the container name in the answer and in every
    // progress event; the name typed at deploy time is displayName.
    const containerName = res.body.containerName
    expect(res.body).toMatchObject({
      serviceId: containerName,
      serviceName: containerName,
      displayName: 'apisuite',
      service: { serviceId: containerName, serviceName: containerName },
    })
    for (const e of stream.received.filter((r) => r.event === 'deployment-progress')) {
      expect(JSON.parse(e.data)).toMatchObject({
        serviceId: containerName,
        serviceName: containerName,
        displayName: 'apisuite',
        timestamp: expect.any(String),
      })
    }
    stream.close()
    const secret = res.body.generatedSecrets.APP_SECRET
    expect(secret).toEqual(expect.any(String))
    const serviceId = res.body.service.serviceId
    const { body } = await json(`/api/services/${serviceId}`)
    expect(body.service).toMatchObject({ isRunning: true, env: { APP_SECRET: '********' } })
    expect(await dockerCli('inspect', '--format', '{{.HostConfig.Memory}}', serviceId)).toBe(String(64 * 1024 * 1024))
    expect((await call(`/api/services/${serviceId}?keepData=false`, { method: 'DELETE' })).status).toBe(200)
  })
})
