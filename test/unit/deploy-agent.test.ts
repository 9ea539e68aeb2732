import { Readable } from 'node:stream'
import type Docker from 'dockerode'
import { beforeEach, describe, expect, it } from 'vitest'
import type { AgentContext } from '../../src/agent/context'
import { OperationLocks } from '../../src/agent/locks'
import { createDeployer } from '../../src/agent/deploy/deployer'
import { ensureImage, type PullProgress } from '../../src/agent/deploy/image'
import { loadConfig } from '../../src/config'
import { buildDeploySpec } from '../../src/deploy/build'
import type { DeploySpec } from '../../src/deploy/spec'
import { createEventHub } from '../../src/events/hub'
import { createLimiter } from '../../src/limiter'
import { silentLogger } from '../../src/logger'
import { newTemplate } from '../../src/templates/record'
import { validateTemplate } from '../../src/templates/validate'
import { createStores, type Stores } from '../../storage'

/** An engine that has no image and no registry: every pull fails. Records what is created and removed. */
function engineWithoutRegistry(options: { slowVolume?: Promise<void> } = {}) {
  const volumes = new Set<string>()
  const log: string[] = []
  const docker = {
    createVolume: async ({ Name }: { Name: string }) => {
      await options.slowVolume
      volumes.add(Name)
      log.push(`create volume ${Name}`)
    },
    getVolume: (name: string) => ({
      remove: async () => {
        volumes.delete(name)
        log.push(`remove volume ${name}`)
      },
    }),
    listContainers: async () => [],
    getImage: () => ({
      inspect: async () => Promise.reject(Object.assign(new Error('no such image'), { statusCode: 404 })),
    }),
    pull: async () =>
      Promise.reject(
        Object.assign(new Error('dial tcp: lookup registry-1.docker.io: no such host'), { statusCode: 500 }),
      ),
  }
  return { docker: docker as unknown as Docker, volumes, log }
}

let stores: Stores
beforeEach(async () => {
  stores = await createStores(loadConfig({ ZAPIE_STORAGE: 'memory' }))
})

function context(docker: Docker, env: Record<string, string> = {}): AgentContext {
  return {
    docker,
    events: createEventHub(),
    stores,
    config: loadConfig({ ZAPIE_STORAGE: 'memory', ...env }),
    logger: silentLogger,
    clock: { now: () => Date.now() },
    limit: createLimiter(4),
    locks: new OperationLocks(),
  }
}

function spec(extra: Record<string, unknown> = {}): DeploySpec {
  const data = validateTemplate(
    { name: 'App', image: 'zapie-test/nonexistent:1', ports: ['8080:80'], volumes: ['/data'], ...extra },
    { bindMountAllowlist: ['/srv'] },
  ).data!
  const built = buildDeploySpec(
    newTemplate(data, { id: 't1', now: new Date(), createdBy: 'user' }),
    { serviceName: 'app', tier: 'basic', values: {} },
    { now: new Date() },
  )
  if (!built.ok) throw new Error('not built')
  return built.spec
}

const noProbe = { probe: async () => true }

describe('the agent deployer', () => {
  it('removes the volume it created when the image cannot be had, and records why', async () => {
    const engine = engineWithoutRegistry()
    const deployer = createDeployer(context(engine.docker), noProbe)
    const s = spec()
    await expect(deployer.deploy(s, { deploymentId: 'dep-00000001', wait: true })).rejects.toMatchObject({
      status: 502,
      code: 'image_pull_failed',
      message: expect.stringContaining('no registry could be reached'),
    })
    expect(engine.log).toEqual([`create volume ${s.containerName}_data`, `remove volume ${s.containerName}_data`])
    expect(engine.volumes.size).toBe(0)
    expect(await deployer.getDeployment('dep-00000001')).toMatchObject({
      status: 'failed',
      error: { code: 'image_pull_failed' },
      finishedAt: expect.any(String),
    })
  })

  it('refuses a deployment id already running or used before', async () => {
    let release!: () => void
    const engine = engineWithoutRegistry({ slowVolume: new Promise<void>((r) => (release = r)) })
    const deployer = createDeployer(context(engine.docker), noProbe)
    const first = deployer.deploy(spec(), { deploymentId: 'dep-00000002', wait: true }).catch((e) => e)
    const [second, third] = await Promise.all([
      deployer.deploy(spec(), { deploymentId: 'dep-00000002' }).catch((e) => e),
      deployer.deploy(spec(), { deploymentId: 'dep-00000002' }).catch((e) => e),
    ])
    expect(second).toMatchObject({ status: 409, code: 'deployment_in_progress' })
    expect(third).toMatchObject({ status: 409 })
    release()
    await first
    await expect(deployer.deploy(spec(), { deploymentId: 'dep-00000002' })).rejects.toMatchObject({
      status: 409,
      code: 'deployment_exists',
    })
  })

  it('checks bind mounts against its own allow-list, whatever the API allowed', async () => {
    const withBind = spec({ volumes: ['/srv/app:/data'] })
    const strict = createDeployer(context(engineWithoutRegistry().docker), noProbe)
    await expect(strict.deploy(withBind, { deploymentId: 'dep-00000003' })).rejects.toMatchObject({
      status: 422,
      code: 'bind_not_allowed',
    })
    const socket = {
      ...withBind,
      volumes: [
        { type: 'bind' as const, source: '/var/run/docker.sock', target: '/var/run/docker.sock', readOnly: false },
      ],
    }
    const lenient = createDeployer(
      context(engineWithoutRegistry().docker, { ZAPIE_BIND_MOUNT_ALLOWLIST: '/srv' }),
      noProbe,
    )
    await expect(lenient.deploy(socket, { deploymentId: 'dep-00000004' })).rejects.toMatchObject({
      status: 422,
      code: 'docker_socket',
    })
  })

  it('reports a deploy the agent was stopped in the middle of as interrupted', async () => {
    const deployer = createDeployer(context(engineWithoutRegistry().docker), noProbe)
    const at = new Date().toISOString()
    await stores.deployments.put({
      id: 'dep-00000005',
      status: 'in-progress',
      serviceName: 'a',
      containerName: 'zapie-a-a-00000000',
      serviceType: 'a',
      tier: 'basic',
      templateId: 't',
      templateName: 'A',
      image: 'a:1',
      containerId: null,
      ports: [],
      volumes: [],
      url: null,
      secretNames: [],
      error: null,
      steps: [],
      createdAt: at,
      updatedAt: at,
      finishedAt: null,
    })
    expect(await deployer.getDeployment('dep-00000005')).toMatchObject({
      status: 'failed',
      error: { code: 'deployment_interrupted' },
    })
    expect((await stores.deployments.get('dep-00000005'))!.status).toBe('failed')
    await expect(deployer.getDeployment('dep-99999999')).rejects.toMatchObject({ status: 404 })
  })
})

describe('ensureImage', () => {
  const lines = (...objects: object[]) => Readable.from(objects.map((o) => `${JSON.stringify(o)}\r\n`))
  function engine(pullStream: () => Readable, after: { present: boolean }) {
    let pulled = false
    return {
      docker: {
        getImage: () => ({
          inspect: async () =>
            pulled && after.present ? {} : Promise.reject(Object.assign(new Error('missing'), { statusCode: 404 })),
        }),
        pull: async () => {
          pulled = true
          return pullStream()
        },
      } as unknown as Docker,
      get pulled() {
        return pulled
      },
    }
  }

  it('does not pull an image that is already there', async () => {
    const docker = {
      getImage: () => ({ inspect: async () => ({}) }),
      pull: async () => expect.unreachable(),
    } as unknown as Docker
    expect(await ensureImage(docker, 'a:1', () => {})).toBe('present')
  })

  it('pulls a missing image, reporting each layer at most once per 10 %', async () => {
    const progress = (current: number) => ({
      status: 'Downloading',
      id: 'abc123',
      progressDetail: { current, total: 1000 },
    })
    const e = engine(
      () =>
        lines(
          { status: 'Pulling from library/a', id: '1' },
          progress(10),
          progress(50),
          progress(120),
          progress(990),
          { status: 'Pull complete', id: 'abc123' },
          { status: 'Status: Downloaded newer image' },
        ),
      { present: true },
    )
    const seen: PullProgress[] = []
    expect(await ensureImage(e.docker, 'a:1', (p) => seen.push(p))).toBe('pulled')
    // "Pulling from" names the tag, not a layer: the page would show a layer that never fills.
    expect(seen.map((p) => p.message)).toEqual([
      'Downloading layer abc123: 1% (0.0 of 0.0 MB)',
      'Downloading layer abc123: 12% (0.0 of 0.0 MB)',
      'Downloading layer abc123: 99% (0.0 of 0.0 MB)',
      'Pull complete layer abc123',
    ])
    expect(seen[0]).toMatchObject({ layer: 'abc123', status: 'Downloading', percent: 1, current: 10, total: 1000 })
  })

  it('says the connection was lost when a download had started, and names a registry server error', async () => {
    const lost = engine(
      () =>
        lines(
          { status: 'Downloading', id: 'x', progressDetail: { current: 5, total: 10 } },
          { status: 'Retrying in 5 seconds', id: 'x', progressDetail: {} },
          { error: 'dial tcp 127.0.0.1:5000: connect: connection refused' },
        ),
      { present: false },
    )
    const seen: PullProgress[] = []
    await expect(ensureImage(lost.docker, 'a:1', (p) => seen.push(p))).rejects.toMatchObject({
      code: 'image_pull_failed',
      message:
        "Image 'a:1' is not on this host and could not be pulled: the connection to the registry was lost during the download",
    })
    expect(seen.at(-1)).toMatchObject({ layer: 'x', status: 'Retrying in 5 seconds' })
    const broken = {
      getImage: () => ({
        inspect: async () => Promise.reject(Object.assign(new Error('missing'), { statusCode: 404 })),
      }),
      pull: async () =>
        Promise.reject(
          Object.assign(new Error('(HTTP code 500) server error'), {
            statusCode: 500,
            json: { message: 'received unexpected HTTP status: 500 Internal Server Error' },
          }),
        ),
    } as unknown as Docker
    await expect(ensureImage(broken, 'a:1', () => {})).rejects.toMatchObject({
      status: 502,
      message: expect.stringContaining('the registry answered with a server error'),
    })
  })

  it('fails with the engine’s reason when the pull reports an error, or ends without the image', async () => {
    const failing = engine(
      () =>
        lines(
          { status: 'Pulling fs layer', id: 'x' },
          { error: 'pull access denied for a, repository does not exist' },
        ),
      { present: false },
    )
    await expect(ensureImage(failing.docker, 'a:1', () => {})).rejects.toMatchObject({
      status: 502,
      code: 'image_pull_failed',
      message: expect.stringContaining('the registry refused access'),
    })
    const truncated = engine(() => lines({ status: 'Pulling fs layer', id: 'x' }), { present: false })
    await expect(ensureImage(truncated.docker, 'a:1', () => {})).rejects.toMatchObject({
      code: 'image_pull_failed',
      message: expect.stringContaining('ended without the image'),
    })
  })
})
