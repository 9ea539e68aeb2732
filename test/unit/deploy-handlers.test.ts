import { beforeEach, describe, expect, it } from 'vitest'
import { createHttpAgentClient } from '../../src/agent/http-client'
import { createEventHub, type EventHub } from '../../src/events/hub'
import type { AppEvent } from '../../src/events/types'
import { auth, buildTestApp } from '../helpers/app'
import { createFakeAgent } from '../helpers/fake-agent'
import { serveFakeAgent } from '../helpers/fake-agent-server'
import { describeBothWays } from '../helpers/targets'

let hub: EventHub
let fake: ReturnType<typeof createFakeAgent>
let built: Awaited<ReturnType<typeof buildTestApp>>
beforeEach(async () => {
  hub = createEventHub()
  fake = createFakeAgent(hub)
  built = await buildTestApp({ agent: fake.agent, hub })
})

const post = (_path: string, body: unknown) => ({
  method: 'POST',
  headers: { ...auth, 'content-type': 'application/json' },
  body: JSON.stringify(body),
})
const progressOf = (deploymentId: string) =>
  new Promise<AppEvent[]>((resolve) => {
    const seen: AppEvent[] = []
    const ac = new AbortController()
    void (async () => {
      for await (const item of hub.subscribe({
        signal: ac.signal,
        filter: { types: ['deployment-progress'], deploymentId },
      })) {
        if (item.kind !== 'event') continue
        seen.push(item.event)
        if (['done', 'error'].includes(item.event.data.step as string)) {
          ac.abort()
          resolve(seen)
        }
      }
    })()
  })

describeBothWays(
  'deploy handlers',
  () => built.app,
  (target) => {
    const call = (path: string, init: RequestInit = {}) =>
      target().request(path, { ...init, headers: { ...auth, ...(init.headers as Record<string, string>) } })

    describe('GET /api/deploy/services', () => {
      it('lists every template in the original catalogue shape, with tiers', async () => {
        const res = await call('/api/deploy/services')
        expect(res.status).toBe(200)
        const { services, total } = await res.json()
        expect(total).toBe(6)
        expect(services.map((s: { id: string }) => s.id)).toEqual([
          'activepieces',
          'n8n',
          'nginx',
          'postgresql',
          'redis',
          'waha',
        ])
        expect(services[1]).toMatchObject({
          id: 'n8n',
          name: 'n8n',
          path: '/deploy/n8n',
          description: expect.any(String),
          tiers: [{ id: 'basic', cpu: '0.5 CPU', ram: '512M RAM' }, { id: 'plus' }, { id: 'pro', ram: '2G RAM' }],
        })
      })

      it('answers the original per-service tiers path', async () => {
        const { service } = await (await call('/api/deploy/services/postgresql/templates')).json()
        expect(service).toMatchObject({
          id: 'postgresql',
          templates: [
            { id: 'basic', name: 'PostgreSQL Basic', cpu: '0.5 CPU', ram: '512M RAM' },
            { id: 'plus' },
            { id: 'pro' },
          ],
        })
        expect((await call('/api/deploy/services/mongodb/templates')).status).toBe(404)
      })
    })

    describe('POST /api/deploy', () => {
      it('answers 202 at once with the deployment id and the generated secrets, then streams progress', async () => {
        const deploymentId = 'client-chosen-0001'
        const progress = progressOf(deploymentId)
        const res = await target().request(
          '/api/deploy',
          post('/api/deploy', {
            serviceType: 'postgresql',
            serviceName: 'My DB',
            template: 'plus',
            credentials: { POSTGRES_USER: 'admin' },
            deploymentId,
          }),
        )
        expect(res.status).toBe(202)
        const body = await res.json()
        expect(body).toMatchObject({
          success: true,
          deploymentId,
          status: 'in-progress',
          displayName: 'my-db',
          serviceType: 'postgresql',
          template: 'plus',
          templateId: 'default-postgresql',
        })
        expect(body.containerName).toMatch(/^zapie-postgresql-my-db-[0-9a-f]{8}$/)
        // One vocabulary: serviceId and serviceName are the container name, in the answer and in every event.
        expect(body).toMatchObject({
          serviceId: body.containerName,
          serviceName: body.containerName,
          deployment: { serviceName: body.containerName, displayName: 'my-db' },
        })
        expect(body.generatedSecrets).toEqual({ POSTGRES_PASSWORD: expect.stringMatching(/^[A-Za-z0-9]{24}$/) })
        const events = await progress
        expect(events.map((e) => e.data.step)).toEqual(['accepted', 'volume', 'port', 'done'])
        for (const e of events)
          expect(e.data).toMatchObject({
            serviceId: body.containerName,
            serviceName: body.containerName,
            displayName: 'my-db',
          })
        const spec = fake.deploySpecs.at(-1)!
        expect(spec).toMatchObject({
          containerName: body.containerName,
          tier: 'plus',
          memoryBytes: 1024 ** 3,
          nanoCpus: 1e9,
        })
        expect(spec.env).toContainEqual({ name: 'POSTGRES_USER', value: 'admin' })
        expect(spec.env).toContainEqual({ name: 'POSTGRES_PASSWORD', value: body.generatedSecrets.POSTGRES_PASSWORD })
      })

      it('with ?wait=true answers 201 with the running service', async () => {
        const res = await target().request(
          '/api/deploy?wait=true',
          post('', { templateId: 'default-nginx', serviceName: 'site', tier: 'basic' }),
        )
        expect(res.status).toBe(201)
        const body = await res.json()
        expect(body).toMatchObject({
          status: 'succeeded',
          url: 'http://localhost:8080',
          service: { serviceId: body.containerName, isRunning: true },
          generatedSecrets: {},
        })
        expect(
          (await (await call('/api/services')).json()).services.map((s: { serviceId: string }) => s.serviceId),
        ).toContain(body.containerName)
      })

      it('answers a failed deploy waited for with its error and the deployment id', async () => {
        await target().request('/api/templates', post('', { name: 'Broken', image: 'zapie-test/nonexistent:1' }))
        const res = await target().request(
          '/api/deploy?wait=true',
          post('', { serviceType: 'broken', serviceName: 'x' }),
        )
        expect(res.status).toBe(502)
        const body = await res.json()
        expect(body).toMatchObject({
          success: false,
          code: 'image_pull_failed',
          deploymentId: expect.any(String),
          error: expect.stringContaining('zapie-test/nonexistent:1'),
        })
        const record = await (await call(`/api/deploy/${body.deploymentId}`)).json()
        expect(record.deployment).toMatchObject({ status: 'failed', error: { code: 'image_pull_failed' } })
      })

      it('refuses a deployment id in use with 409 and a malformed one with 400', async () => {
        const body = { serviceType: 'redis', serviceName: 'cache', deploymentId: 'same-id-12345' }
        expect((await target().request('/api/deploy', post('', body))).status).toBe(202)
        const again = await target().request('/api/deploy', post('', body))
        expect(again.status).toBe(409)
        for (const deploymentId of ['short', '../../etc/passwd', 'x'.repeat(65), '-leading-dash']) {
          expect(
            (await target().request('/api/deploy', post('', { ...body, deploymentId }))).status,
            deploymentId,
          ).toBe(400)
        }
      })

      it('refuses what cannot be deployed: unknown template 404, bad values 422, bad body 400', async () => {
        expect(
          (await target().request('/api/deploy', post('', { serviceType: 'mongodb', serviceName: 'x' }))).status,
        ).toBe(404)
        expect(
          (await target().request('/api/deploy', post('', { templateId: 'no-such-id', serviceName: 'x' }))).status,
        ).toBe(404)
        const bad = await target().request(
          '/api/deploy',
          post('', { serviceType: 'waha', serviceName: 'wa', env: { WAHA_LOG_LEVEL: 'chatty', LD_PRELOAD: '/x.so' } }),
        )
        expect(bad.status).toBe(422)
        expect((await bad.json()).details.map((d: { code: string }) => d.code).sort()).toEqual([
          'not_an_option',
          'unknown_variable',
        ])
        for (const body of [
          { serviceName: 'x' },
          { serviceType: 'redis' },
          { serviceType: 'redis', serviceName: 'x', tier: 'gold' },
          { serviceType: 'redis', serviceName: 'x', tier: 'pro', template: 'basic' },
          { serviceType: 'redis', serviceName: 'x', sudo: true },
          {
            serviceType: 'redis',
            serviceName: 'x',
            env: { REDIS_PASSWORD: 'a' },
            credentials: { REDIS_PASSWORD: 'b' },
          },
          { serviceType: 'redis', serviceName: 'x', env: { 'BAD NAME': 'a' } },
        ]) {
          expect((await target().request('/api/deploy', post('', body))).status, JSON.stringify(body)).toBe(400)
        }
        expect(
          (await target().request('/api/deploy?wait=maybe', post('', { serviceType: 'redis', serviceName: 'x' })))
            .status,
        ).toBe(400)
        expect(fake.deploySpecs).toHaveLength(0)
      })

      it('re-checks the template against the policy of today', async () => {
        // Written before the allow-list lost /srv: stored, but no longer deployable.
        await built.deps.stores.templates.ready()
        const stored = (await built.deps.stores.templates.get('default-nginx'))!
        await built.deps.stores.templates.replace({
          ...stored,
          volumes: [{ container: '/usr/share/nginx/html', bind: '/srv/site', readOnly: true, description: '' }],
        })
        const res = await target().request('/api/deploy', post('', { serviceType: 'nginx', serviceName: 'site' }))
        expect(res.status).toBe(422)
        expect((await res.json()).details).toContainEqual(
          expect.objectContaining({ path: 'volumes.0.bind', code: 'bind_not_allowed' }),
        )
      })
    })

    describe('GET /api/deploy/:deploymentId', () => {
      it('answers the record, 404 for an unknown id and 400 for a malformed one', async () => {
        const { deploymentId } = await (
          await target().request('/api/deploy?wait=true', post('', { serviceType: 'redis', serviceName: 'r' }))
        ).json()
        const res = await call(`/api/deploy/${deploymentId}`)
        expect(res.status).toBe(200)
        expect((await res.json()).deployment).toMatchObject({
          id: deploymentId,
          status: 'succeeded',
          secretNames: ['REDIS_PASSWORD'],
        })
        expect((await call('/api/deploy/unknown-deployment-id')).status).toBe(404)
        expect((await call('/api/deploy/..%2F..%2Fx')).status).toBe(400)
      })
    })
  },
)

describe('deploy over the agent’s HTTP API', () => {
  const server = serveFakeAgent()
  const { hub: agentHub, token: TOKEN } = server
  const remoteFake = server

  it('carries the spec, the options and the answer across the wire', async () => {
    const { app } = await buildTestApp({
      agent: createHttpAgentClient({ url: server.url, token: TOKEN }),
      hub: agentHub,
    })
    const res = await app.request(
      '/api/deploy?wait=true',
      post('', { serviceType: 'n8n', serviceName: 'flows', deploymentId: 'over-the-wire-1' }),
    )
    expect(res.status).toBe(201)
    expect(await res.json()).toMatchObject({
      deploymentId: 'over-the-wire-1',
      status: 'succeeded',
      generatedSecrets: { N8N_ENCRYPTION_KEY: expect.any(String) },
    })
    expect(remoteFake.deploySpecs.at(-1)).toMatchObject({ serviceType: 'n8n', serviceName: 'flows' })
    const again = await app.request(
      '/api/deploy',
      post('', { serviceType: 'n8n', serviceName: 'flows', deploymentId: 'over-the-wire-1' }),
    )
    expect(again.status).toBe(409)
  })

  it('refuses a spec that breaks the rules, whoever sends it', async () => {
    const rpc = (args: unknown[]) =>
      fetch(`${server.url}/rpc/deploy`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ args }),
      })
    const spec = { ...remoteFake.deploySpecs.at(-1)!, containerName: 'zapie-n8n-flows-00000000' }
    expect((await rpc([{ ...spec, networkMode: 'host' }, { deploymentId: 'wire-test-0001' }])).status).toBe(400)
    expect((await rpc([{ ...spec, privileged: true }, { deploymentId: 'wire-test-0002' }])).status).toBe(400)
    expect((await rpc([{ ...spec, containerName: 'postgres' }, { deploymentId: 'wire-test-0003' }])).status).toBe(400)
    expect((await rpc([spec, { deploymentId: '../x' }])).status).toBe(400)
  })
})
