import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { auth } from '../helpers/app'
import {
  cleanupTestResources,
  DEPLOY_RUN_LABEL,
  docker,
  dockerCli,
  IDLE_CMD,
  RUN_ID,
  TEST_IMAGE,
} from '../helpers/docker'
import { AGENT_MODES, appWithRealAgent } from '../helpers/real-agent'

afterAll(cleanupTestResources)

const dirs: string[] = []
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})
const tempDir = (prefix: string) => {
  // Real path: on a host where the temp dir is itself a link the allow-list names the real one.
  const dir = realpathSync(mkdtempSync(join(tmpdir(), prefix)))
  dirs.push(dir)
  return dir
}

const json = (body: unknown) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
})

/** A busybox service with a named volume and one host bind at /host; no network, no port. */
const bindTemplate = (name: string, bind: string) => ({
  name,
  image: TEST_IMAGE,
  category: 'other',
  networkMode: 'none',
  command: IDLE_CMD,
  volumes: [{ container: '/data' }, { container: '/host', bind }],
  labels: { [DEPLOY_RUN_LABEL]: RUN_ID },
  tiers: { basic: { memory: '32m', cpus: 0.25 } },
})

describe.each(AGENT_MODES)('host binds are resolved on the agent host [%s agent]', (mode) => {
  let ctx: Awaited<ReturnType<typeof appWithRealAgent>>
  let allowed: string
  let other: string
  let n = 0
  const api = (path: string, init: RequestInit = {}) =>
    ctx.app.request(path, { ...init, headers: { ...auth, ...(init.headers as Record<string, string>) } })

  /** Stores a template binding `bind` (the validator only sees the spelling, so it passes) and deploys it. */
  async function deploy(bind: string) {
    const slug = `bl-${mode === 'http' ? 'h' : 'i'}${n++}-${RUN_ID}`
    const created = await api('/api/templates', json(bindTemplate(slug, bind)))
    expect(created.status, await created.clone().text()).toBe(201)
    const res = await api('/api/deploy?wait=true', json({ serviceType: slug, serviceName: 'svc' }))
    return { slug, res, body: await res.json() }
  }
  const leftovers = async (slug: string) => ({
    containers: (await docker.listContainers({ all: true, filters: { label: [`zapie.service=${slug}`] } })).map(
      (c) => c.Names[0],
    ),
    volumes: ((await docker.listVolumes({ filters: { label: [`zapie.service=${slug}`] } })).Volumes ?? []).map(
      (v) => v.Name,
    ),
  })

  beforeAll(async () => {
    allowed = tempDir('zapie-binds-a-')
    other = tempDir('zapie-binds-b-')
    ctx = await appWithRealAgent(mode, {
      dataDir: tempDir('zapie-binds-data-'),
      env: { ZAPIE_BIND_MOUNT_ALLOWLIST: `${allowed},${other}` },
    })
  })
  afterAll(async () => {
    await ctx.close()
    await cleanupTestResources()
  })

  it('refuses a bind through a link to the host root: 422 naming the rule, nothing created', async () => {
    // What a service with an allowed bind can write into it: a link to the host's /.
    symlinkSync('/', join(allowed, `hostroot-${mode}`))
    const { slug, res, body } = await deploy(join(allowed, `hostroot-${mode}`))
    expect(res.status, JSON.stringify(body)).toBe(422)
    expect(body).toMatchObject({
      success: false,
      code: 'host_root',
      error: expect.stringContaining(`leads to '/' on the agent's host`),
    })
    expect(body.details).toEqual([expect.objectContaining({ path: 'volumes.1', code: 'host_root' })])
    expect(await leftovers(slug)).toEqual({ containers: [], volumes: [] })
  })

  it('refuses a bind through a link to the Docker socket or out of the allow-list', async () => {
    symlinkSync('/var/run/docker.sock', join(allowed, `sock-${mode}`))
    const socket = await deploy(join(allowed, `sock-${mode}`))
    expect(socket.res.status, JSON.stringify(socket.body)).toBe(422)
    expect(socket.body.code).toBe('docker_socket')
    expect(await leftovers(socket.slug)).toEqual({ containers: [], volumes: [] })

    symlinkSync('/etc', join(allowed, `etc-${mode}`))
    const etc = await deploy(join(allowed, `etc-${mode}`, 'ssl'))
    expect(etc.res.status, JSON.stringify(etc.body)).toBe(422)
    expect(etc.body).toMatchObject({ code: 'bind_not_allowed', error: expect.stringContaining("leads to '/etc/ssl'") })
    expect(await leftovers(etc.slug)).toEqual({ containers: [], volumes: [] })
  })

  it('deploys a bind through a link to another allowed directory, mounted where the link leads', async () => {
    const target = join(other, `shared-${mode}`)
    mkdirSync(target)
    writeFileSync(join(target, 'marker'), `from the other allowed directory (${mode})`)
    symlinkSync(target, join(allowed, `to-other-${mode}`))
    const { res, body } = await deploy(join(allowed, `to-other-${mode}`))
    expect(res.status, JSON.stringify(body)).toBe(201)
    expect(await dockerCli('exec', body.containerName, 'cat', '/host/marker')).toBe(
      `from the other allowed directory (${mode})`,
    )
    const mounts = JSON.parse(await dockerCli('inspect', '--format', '{{json .Mounts}}', body.containerName)) as {
      Type: string
      Source: string
    }[]
    expect(mounts.find((m) => m.Type === 'bind')?.Source).toBe(target)
  })

  it('refuses a restore once a bind directory was swapped for a link to the host root; the service is left as it was', async () => {
    const dir = join(allowed, `data-${mode}`)
    mkdirSync(dir)
    const { res, body } = await deploy(dir)
    expect(res.status, JSON.stringify(body)).toBe(201)
    const service = body.containerName as string
    const backup = await api(`/api/services/${service}/backups?wait=true`, json({ name: 'before the swap' }))
    expect(backup.status, await backup.clone().text()).toBe(201)
    const { backup: record } = await backup.json()

    // After deploy, whoever can write into the allowed directory replaces the bind's directory.
    rmSync(dir, { recursive: true })
    symlinkSync('/', dir)

    const restore = await api(`/api/services/${service}/backups/${record.id}/restore`, { method: 'POST' })
    const refused = await restore.json()
    expect(restore.status, JSON.stringify(refused)).toBe(422)
    expect(refused).toMatchObject({ code: 'host_root', error: expect.stringContaining(`'${dir}' leads to '/'`) })
    // The same container still runs, and nothing of the restore is left behind.
    const info = JSON.parse(await dockerCli('inspect', service))[0]
    expect(info).toMatchObject({ Id: body.containerId, State: { Running: true } })
    expect(await dockerCli('ps', '-a', '-q', '--filter', `name=${service}-pre-restore`)).toBe('')
    expect(await dockerCli('volume', 'ls', '-q', '--filter', `label=zapie.restored-from=${record.id}`)).toBe('')
  })

  it('refuses to restart, start or stop-and-back-up a service whose bind directory became a link to the host root', async () => {
    const dir = join(allowed, `restart-${mode}`)
    mkdirSync(dir)
    const { res, body } = await deploy(dir)
    expect(res.status, JSON.stringify(body)).toBe(201)
    const service = body.containerName as string
    const startedAt = JSON.parse(await dockerCli('inspect', service))[0].State.StartedAt
    rmSync(dir, { recursive: true })
    symlinkSync('/', dir)

    // A backup that stops the service would start it again: refused before it stops anything.
    const backup = await api(
      `/api/services/${service}/backups?wait=true`,
      json({ name: 'stop mode', consistency: 'stop' }),
    )
    expect(backup.status, await backup.clone().text()).toBe(422)
    expect(await backup.json()).toMatchObject({ code: 'host_root' })

    const restart = await api(`/api/services/${service}/restart`, { method: 'POST' })
    expect(restart.status, await restart.clone().text()).toBe(422)
    expect(await restart.json()).toMatchObject({
      code: 'host_root',
      error: expect.stringContaining(`'${dir}' leads to '/'`),
    })
    // Not restarted: still the same run of the same container, which never saw the host's /.
    const after = JSON.parse(await dockerCli('inspect', service))[0]
    expect(after).toMatchObject({ Id: body.containerId, State: { Running: true, StartedAt: startedAt } })
    expect(await dockerCli('exec', service, 'ls', '/host')).toBe('')

    await dockerCli('stop', '-t', '1', service)
    const start = await api(`/api/services/${service}/start`, { method: 'POST' })
    expect(start.status, await start.clone().text()).toBe(422)
    expect(JSON.parse(await dockerCli('inspect', service))[0].State.Running).toBe(false)
  })
})
