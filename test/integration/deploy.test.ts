import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { auth } from '../helpers/app'
import { cleanupTestResources, DEPLOY_RUN_LABEL, dockerCli, RUN_ID, TEST_IMAGE, volumeExists } from '../helpers/docker'
import { AGENT_MODES, appWithRealAgent } from '../helpers/real-agent'
import { openEventStream } from '../helpers/sse-client'
import { listen } from '../helpers/targets'

afterAll(cleanupTestResources)

const json = (body: unknown) => ({
  method: 'POST',
  headers: { ...auth, 'content-type': 'application/json' },
  body: JSON.stringify(body),
})
// Somewhere other engineers' tests are unlikely to be; the allocator moves on when it is taken.
const PREFERRED_PORT = 20000 + Math.floor(Math.random() * 20000)

/** busybox httpd with a port, a volume, a secret and a healthcheck; no network on the test engine. */
const busyboxTemplate = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  image: TEST_IMAGE,
  category: 'web',
  networkMode: 'none',
  ports: [{ container: 80, host: PREFERRED_PORT }],
  command: [
    'sh',
    '-c',
    'mkdir -p /www && echo ok > /www/index.html && httpd -p 80 -h /www; trap "exit 0" TERM; sleep 3600 & wait',
  ],
  env: [
    { name: 'GREETING', default: 'hello' },
    { name: 'PUBLIC_URL', default: 'http://localhost:{{hostPort}}' },
    { name: 'APP_SECRET', secret: true, generate: 'password' },
  ],
  volumes: [{ container: '/srv/data' }],
  healthcheck: {
    test: ['CMD-SHELL', 'wget -q -O /dev/null http://127.0.0.1:80/'],
    interval: '1s',
    timeout: '2s',
    retries: 5,
  },
  labels: { [DEPLOY_RUN_LABEL]: RUN_ID },
  tiers: { basic: { memory: '64m', cpus: 0.25 } },
  ...extra,
})

const inspect = async (name: string) => JSON.parse(await dockerCli('inspect', name))[0]

describe.each(AGENT_MODES)('deploy against the real engine [%s agent]', (mode) => {
  let ctx: Awaited<ReturnType<typeof appWithRealAgent>>
  let server: Awaited<ReturnType<typeof listen>>
  // Short: a slug keeps 32 characters, and `${slug}-missing` must still differ from `${slug}`.
  const slug = `bb-${mode === 'http' ? 'http' : 'ip'}-${RUN_ID}`
  const api = (path: string, init: RequestInit = {}) =>
    ctx.app.request(path, { ...init, headers: { ...auth, ...(init.headers as Record<string, string>) } })

  beforeAll(async () => {
    ctx = await appWithRealAgent(mode)
    server = await listen(ctx.app)
    for (const [name, extra] of [
      [slug, {}],
      [`${slug}-missing`, { image: 'zapie-test/nonexistent:1' }],
      [
        `${slug}-crash`,
        { command: ['sh', '-c', 'echo "cannot start: APP_SECRET=$APP_SECRET is rejected"; exit 3'], healthcheck: null },
      ],
      [`${slug}-nocmd`, { command: ['/no/such/binary'], healthcheck: null }],
    ] as const) {
      const res = await api('/api/templates', json(busyboxTemplate(name, extra)))
      expect(res.status, JSON.stringify(await res.clone().json())).toBe(201)
    }
  })
  afterAll(async () => {
    await server.close()
    await ctx.close()
    await cleanupTestResources()
  })

  it('deploys a template: limits, labels, volume, port binding and environment as the template says', async () => {
    const published: string[] = []
    const listening = new AbortController()
    void (async () => {
      for await (const item of ctx.host.hub.subscribe({ signal: listening.signal }))
        published.push(JSON.stringify(item))
    })()
    const res = await api('/api/deploy?wait=true', json({ serviceType: slug, serviceName: 'web', tier: 'basic' }))
    const body = await res.json()
    listening.abort()
    expect(res.status, JSON.stringify(body)).toBe(201)
    const { containerName, generatedSecrets, deployment } = body
    expect(containerName).toMatch(new RegExp(`^zapie-${slug}-web-[0-9a-f]{8}$`))
    expect(generatedSecrets).toEqual({ APP_SECRET: expect.stringMatching(/^[A-Za-z0-9]{24}$/) })
    const port = deployment.ports[0].host
    expect(port).toBeGreaterThanOrEqual(PREFERRED_PORT)

    const info = await inspect(containerName)
    expect(info.State).toMatchObject({ Running: true, Health: { Status: 'healthy' } })
    expect(info.Config.Labels).toMatchObject({
      'zapie.managed': 'true',
      'zapie.id': containerName,
      'zapie.service': slug,
      'zapie.template': 'basic',
      'zapie.volume': `${containerName}_data`,
      'zapie.port': String(port),
      'zapie.secrets': 'APP_SECRET',
      'zapie.created': expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      [DEPLOY_RUN_LABEL]: RUN_ID,
    })
    expect(info.HostConfig).toMatchObject({
      Memory: 64 * 1024 ** 2,
      NanoCpus: 0.25e9,
      RestartPolicy: { Name: 'unless-stopped' },
      NetworkMode: 'none',
      Privileged: false,
      PortBindings: { '80/tcp': [{ HostIp: '', HostPort: String(port) }] },
    })
    expect(info.Mounts).toEqual([
      expect.objectContaining({ Type: 'volume', Name: `${containerName}_data`, Destination: '/srv/data', RW: true }),
    ])
    expect(info.Config.Env).toEqual(
      expect.arrayContaining([
        'GREETING=hello',
        `PUBLIC_URL=http://localhost:${port}`,
        `APP_SECRET=${generatedSecrets.APP_SECRET}`,
      ]),
    )

    // The secret was shown once: not in service details, the deploy record or any event.
    const { service } = await (await api(`/api/services/${containerName}`)).json()
    expect(service).toMatchObject({
      serviceType: slug,
      tier: 'basic',
      env: { GREETING: 'hello', APP_SECRET: '********' },
      resources: { memoryBytes: 64 * 1024 ** 2, cpus: 0.25 },
    })
    const record = await (await api(`/api/deploy/${body.deploymentId}`)).json()
    expect(record.deployment).toMatchObject({ status: 'succeeded', containerName, secretNames: ['APP_SECRET'] })
    expect(record.deployment.steps.map((s: { step: string }) => s.step)).toEqual([
      'accepted',
      'volume',
      'port',
      'image',
      'create',
      'start',
      'ready',
      'done',
    ])
    const everything = JSON.stringify([service, record, (await ctx.host.context.stores.deployments.list()).records])
    expect(everything).not.toContain(generatedSecrets.APP_SECRET)
    expect(published.filter((e) => e.includes('deployment-progress')).length).toBeGreaterThanOrEqual(8)
    expect(published.join()).not.toContain(generatedSecrets.APP_SECRET)
  })

  it('gives two concurrent deploys different host ports', async () => {
    const [a, b] = await Promise.all(
      ['left', 'right'].map(async (serviceName) => {
        const res = await api('/api/deploy?wait=true', json({ serviceType: slug, serviceName }))
        expect(res.status).toBe(201)
        return (await res.json()) as { containerName: string; deployment: { ports: { host: number }[] } }
      }),
    )
    expect(a!.deployment.ports[0]!.host).not.toBe(b!.deployment.ports[0]!.host)
    const bound = await Promise.all(
      [a!, b!].map(async (d) => (await inspect(d.containerName)).HostConfig.PortBindings['80/tcp'][0].HostPort),
    )
    expect(new Set(bound).size).toBe(2)
  })

  it('fails clearly when the image is missing and no registry answers, and leaves nothing behind', async () => {
    const res = await api('/api/deploy?wait=true', json({ serviceType: `${slug}-missing`, serviceName: 'ghost' }))
    const body = await res.json()
    expect(res.status).toBe(502)
    expect(body).toMatchObject({
      success: false,
      code: 'image_pull_failed',
      error: expect.stringContaining("Image 'zapie-test/nonexistent:1' is not on this host and could not be pulled"),
      deploymentId: expect.any(String),
    })
    const { deployment } = await (await api(`/api/deploy/${body.deploymentId}`)).json()
    expect(deployment).toMatchObject({ status: 'failed', containerId: null, error: { code: 'image_pull_failed' } })
    expect(deployment.steps.map((s: { step: string }) => s.step)).toEqual([
      'accepted',
      'volume',
      'port',
      'cleanup',
      'error',
    ])
    expect(await dockerCli('ps', '-a', '--filter', `name=${deployment.containerName}`, '--format', '{{.Names}}')).toBe(
      '',
    )
    expect(await volumeExists(`${deployment.containerName}_data`)).toBe(false)
  })

  it('removes a service that dies right after it starts, and keeps its last words without the secret', async () => {
    const deploymentId = `crash-${mode === 'http' ? 'http' : 'ip'}-${RUN_ID}`
    const seen: Record<string, unknown>[] = []
    const listening = new AbortController()
    void (async () => {
      for await (const item of ctx.host.hub.subscribe({ signal: listening.signal, filter: { deploymentId } }))
        if (item.kind === 'event') seen.push(item.event.data)
    })()
    const res = await api(
      '/api/deploy?wait=true',
      json({ serviceType: `${slug}-crash`, serviceName: 'crash', deploymentId }),
    )
    const body = await res.json()
    listening.abort()
    expect(res.status).toBe(409)
    const error = seen.find((e) => e.step === 'error')!
    // A restart policy may have run it more than once before it was removed.
    expect(error.logs).toEqual(expect.arrayContaining(['cannot start: APP_SECRET=******** is rejected']))
    expect(new Set(error.logs as string[]).size).toBe(1)
    expect(body).toMatchObject({ code: 'service_exited', error: expect.stringContaining('exit code 3') })
    const { deployment } = await (await api(`/api/deploy/${body.deploymentId}`)).json()
    expect(await dockerCli('ps', '-a', '--filter', `name=${deployment.containerName}`, '--format', '{{.Names}}')).toBe(
      '',
    )
    expect(await volumeExists(`${deployment.containerName}_data`)).toBe(false)
    expect(deployment.steps.at(-1)).toMatchObject({ step: 'error', status: 'failed' })
  })

  it('answers a deploy whose command cannot run as POST …/start does: 409 start_failed', async () => {
    const res = await api('/api/deploy?wait=true', json({ serviceType: `${slug}-nocmd`, serviceName: 'nocmd' }))
    const body = await res.json()
    expect(res.status, JSON.stringify(body)).toBe(409)
    expect(body).toMatchObject({
      code: 'start_failed',
      error: expect.stringContaining('/no/such/binary'),
      message: body.error,
    })
  })

  it('streams progress through /api/events for a deployment id chosen by the client', async () => {
    const deploymentId = `events-${mode.replace(/[^a-z]/g, '')}-${RUN_ID}`
    const stream = await openEventStream(`${server.url}/api/events?deploymentId=${deploymentId}`, auth)
    const res = await api('/api/deploy', json({ serviceType: slug, serviceName: 'watched', deploymentId }))
    expect(res.status).toBe(202)
    expect((await res.json()).deploymentId).toBe(deploymentId)
    await stream.waitFor((e) => e.event === 'deployment-progress' && JSON.parse(e.data).step === 'done', 30_000)
    const events = stream.received.filter((e) => e.event === 'deployment-progress').map((e) => JSON.parse(e.data))
    expect(events.every((e) => e.deploymentId === deploymentId && typeof e.timestamp === 'string')).toBe(true)
    expect(events.filter((e) => e.status === 'completed').map((e) => e.step)).toEqual([
      'volume',
      'port',
      'image',
      'create',
      'start',
      'ready',
      'done',
    ])
    expect(events.at(-1)).toMatchObject({
      step: 'done',
      progress: 100,
      serviceId: expect.stringMatching(/^zapie-/),
      containerId: expect.stringMatching(/^[0-9a-f]{64}$/),
    })
    // One vocabulary: serviceName is the container name as everywhere else; the typed name is displayName.
    for (const e of events)
      expect(e).toMatchObject({ serviceName: e.serviceId, containerName: e.serviceId, displayName: 'watched' })
    stream.close()

    const failing = `events-fail-${mode.replace(/[^a-z]/g, '')}-${RUN_ID}`
    const failStream = await openEventStream(`${server.url}/api/events?deploymentId=${failing}`, auth)
    expect(
      (await api('/api/deploy', json({ serviceType: `${slug}-missing`, serviceName: 'ghost2', deploymentId: failing })))
        .status,
    ).toBe(202)
    const error = await failStream.waitFor((e) => JSON.parse(e.data).step === 'error', 30_000)
    expect(JSON.parse(error.data)).toMatchObject({
      status: 'failed',
      code: 'image_pull_failed',
      message: expect.stringContaining('zapie-test/nonexistent:1'),
    })
    failStream.close()
  })
})
