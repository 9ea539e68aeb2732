import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildDeploySpec } from '../../src/deploy/build'
import { auth } from '../helpers/app'
import {
  cleanupTestResources,
  createTestContainer,
  DEPLOY_RUN_LABEL,
  dockerCli,
  RUN_ID,
  TEST_IMAGE,
} from '../helpers/docker'
import { AGENT_MODES, appWithRealAgent } from '../helpers/real-agent'

afterAll(cleanupTestResources)

const json = (body: unknown) => ({
  method: 'POST',
  headers: { ...auth, 'content-type': 'application/json' },
  body: JSON.stringify(body),
})

/** What a user types for a service that talks to a database and a mail server. */
const TYPED = {
  DATABASE_URL: 'postgres://app:hunter2-db@db:5432/x',
  SMTP_PWD: 'smtp-secret-771',
  MYSQL_ROOT_PWD: 'mysql-root-552',
  DSN: 'host=db user=app password=dsn-secret-913 dbname=x',
  DB_CONN: 'Server=db;Database=x;User Id=app;Password=conn-secret-338;',
}
const TYPED_SECRETS = ['hunter2-db', 'smtp-secret-771', 'mysql-root-552', 'dsn-secret-913', 'conn-secret-338']

const template = (name: string, command: string[]) => ({
  name,
  image: TEST_IMAGE,
  category: 'database',
  networkMode: 'none',
  command,
  env: [
    { name: 'GREETING', default: 'hello' },
    ...Object.keys(TYPED).map((name) => ({ name })),
    { name: 'APP_SECRET', secret: true, generate: 'password' },
    // Generated but not marked secret: a generated value is a secret all the same.
    { name: 'INVITE_CODE', generate: 'password' },
    { name: 'MIRROR' },
    { name: 'HOOK_URL' },
  ],
  labels: { [DEPLOY_RUN_LABEL]: RUN_ID },
  tiers: { basic: { memory: '64m', cpus: 0.25 } },
})

describe.each(AGENT_MODES)('secrets by value against the real engine [%s agent]', (mode) => {
  let ctx: Awaited<ReturnType<typeof appWithRealAgent>>
  const slug = `sec-${mode === 'http' ? 'h' : 'i'}-${RUN_ID.slice(-10)}`
  const api = (path: string, init: RequestInit = {}) =>
    ctx.app.request(path, { ...init, headers: { ...auth, ...(init.headers as Record<string, string>) } })
  const published: string[] = []
  const listening = new AbortController()

  beforeAll(async () => {
    ctx = await appWithRealAgent(mode)
    for (const [name, command] of [
      [slug, ['sh', '-c', 'trap "exit 0" TERM; sleep 3600 & wait']],
      [`${slug}-crash`, ['sh', '-c', 'echo "db=$DATABASE_URL smtp=$SMTP_PWD dsn=$DSN"; exit 3']],
      [`${slug}-ghost`, ['true']],
    ] as const) {
      const body = {
        ...template(name, [...command]),
        ...(name.endsWith('-ghost') ? { image: 'zapie-test/nonexistent:1' } : {}),
      }
      const res = await api('/api/templates', json(body))
      expect(res.status, JSON.stringify(await res.clone().json())).toBe(201)
    }
    void (async () => {
      for await (const item of ctx.host.hub.subscribe({ signal: listening.signal }))
        published.push(JSON.stringify(item))
    })()
  })
  afterAll(async () => {
    listening.abort()
    await ctx.close()
    await cleanupTestResources()
  })

  it('shows no secret value in service details, the deploy record or the progress events', async () => {
    const stored = (await ctx.deps.stores.templates.list()).templates.find((t) => t.slug === slug)!
    const built = buildDeploySpec(stored, { serviceName: 'db', tier: 'basic', values: TYPED }, { now: new Date() })
    if (!built.ok) throw new Error(JSON.stringify(built.issues))
    const { spec, generatedSecrets } = built
    const generated = generatedSecrets.APP_SECRET!
    // The generated password reused elsewhere, as templates do for a DATABASE_URL.
    spec.env.push(
      { name: 'MIRROR', value: generated },
      { name: 'HOOK_URL', value: `https://hooks.example/h/${generated}` },
    )
    const deploymentId = `secrets-${mode === 'http' ? 'h' : 'i'}-${RUN_ID.slice(-10)}`
    const outcome = await ctx.deps.agent.deploy(spec, { deploymentId, wait: true })
    expect(outcome.deployment.status).toBe('succeeded')

    // The container really has them: they are hidden, not missing.
    const env: string[] = JSON.parse(await dockerCli('inspect', spec.containerName))[0].Config.Env
    expect(env).toEqual(
      expect.arrayContaining([
        `DATABASE_URL=${TYPED.DATABASE_URL}`,
        `SMTP_PWD=${TYPED.SMTP_PWD}`,
        `MIRROR=${generated}`,
      ]),
    )

    const details = await (await api(`/api/services/${spec.containerName}`)).json()
    expect(details.service.env).toMatchObject({
      GREETING: 'hello',
      DATABASE_URL: 'postgres://app:********@db:5432/x',
      SMTP_PWD: '********',
      MYSQL_ROOT_PWD: '********',
      DSN: '********',
      DB_CONN: 'Server=db;Database=x;User Id=app;Password=********;',
      APP_SECRET: '********',
      INVITE_CODE: '********',
      MIRROR: '********',
      HOOK_URL: 'https://hooks.example/h/********',
    })
    const list = await (await api('/api/services')).json()
    const record = await (await api(`/api/deploy/${deploymentId}`)).json()
    const everything = JSON.stringify([details, list, record, published])
    for (const secret of [...TYPED_SECRETS, generated, generatedSecrets.INVITE_CODE!])
      expect(everything).not.toContain(secret)
    expect(published.some((e) => e.includes(deploymentId))).toBe(true)
  })

  it('keeps the last words of a crashed service without the typed passwords', async () => {
    const res = await api(
      '/api/deploy?wait=true',
      json({ serviceType: `${slug}-crash`, serviceName: 'crash', env: TYPED }),
    )
    const body = await res.json()
    expect(res.status, JSON.stringify(body)).toBe(409)
    const { deployment } = await (await api(`/api/deploy/${body.deploymentId}`)).json()
    const events = published.filter((e) => e.includes(body.deploymentId))
    expect(events.join()).toContain('db=postgres://app:********@db:5432/x smtp=******** dsn=')
    const everything = JSON.stringify([body, deployment, events])
    for (const secret of TYPED_SECRETS) expect(everything).not.toContain(secret)
  })

  it('answers a failed pull in our words, without the engine’s resolver or addresses', async () => {
    const res = await api('/api/deploy?wait=true', json({ serviceType: `${slug}-ghost`, serviceName: 'ghost' }))
    const body = await res.json()
    expect(res.status).toBe(502)
    expect(body).toMatchObject({
      code: 'image_pull_failed',
      error: expect.stringMatching(/^Image 'zapie-test\/nonexistent:1' is not on this host and could not be pulled: /),
    })
    const { deployment } = await (await api(`/api/deploy/${body.deploymentId}`)).json()
    const events = published.filter((e) => e.includes(body.deploymentId))
    for (const text of [JSON.stringify(body), JSON.stringify(deployment), events.join()]) {
      expect(text).not.toMatch(/\b\d{1,3}(\.\d{1,3}){3}(:\d+)?\b|lookup|dial tcp|registry-1/)
    }
  })

  it('hides passwords on the command line and in labels of a service', async () => {
    const service = await createTestContainer({
      cmd: [
        'sh',
        '-c',
        'trap "exit 0" TERM; sleep 3600 & wait',
        '--',
        '--password',
        'cmd-secret-101',
        'postgres://u:cmd-secret-202@h/x',
      ],
      labels: {
        'traefik.http.middlewares.a.basicauth.users': 'admin:$apr1$cmd-secret-303',
        'backup.target': 's3://AKIAX:cmd-secret-404@bucket/x',
      },
    })
    const details = await (await api(`/api/services/${service.name}`)).json()
    const list = await (await api('/api/services')).json()
    expect(details.service.command).toEqual(
      expect.arrayContaining(['--password', '********', 'postgres://u:********@h/x']),
    )
    expect(details.service.labels).toMatchObject({
      'traefik.http.middlewares.a.basicauth.users': '********',
      'backup.target': 's3://AKIAX:********@bucket/x',
    })
    expect(JSON.stringify([details, list])).not.toMatch(/cmd-secret-\d+/)
  })

  it('hides the service’s own secrets in its logs, read at once and followed', async () => {
    const service = await createTestContainer({
      env: ['DATABASE_URL=postgres://app:log-secret-505@db/x', 'ADMIN_PASSWORD=log-secret-606', 'zapie_unused=1'],
      labels: { 'zapie.secrets': 'ADMIN_PASSWORD' },
      cmd: [
        'sh',
        '-c',
        'echo "connecting to $DATABASE_URL as admin/$ADMIN_PASSWORD"; trap "exit 0" TERM; while true; do echo "still $ADMIN_PASSWORD"; sleep 0.2; done',
      ],
    })
    await new Promise((r) => setTimeout(r, 600))
    const read = await (await api(`/api/services/${service.name}/logs?tail=50`)).json()
    const messages = read.lines.map((l: { message: string }) => l.message)
    expect(read.logs).not.toMatch(/log-secret-/)
    expect(messages[0]).toBe('connecting to postgres://app:********@db/x as admin/********')
    expect(messages).toContain('still ********')

    const aborted = new AbortController()
    const res = await api(`/api/services/${service.name}/logs?follow=true&tail=5`, { signal: aborted.signal })
    const reader = res.body!.getReader()
    let text = ''
    while (!text.includes('still ********')) text += new TextDecoder().decode((await reader.read()).value)
    aborted.abort()
    expect(JSON.stringify(read) + text).not.toMatch(/log-secret-\d+/)
  })
})
