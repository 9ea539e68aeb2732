import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDockerClient } from '../../src/agent/docker'
import { auth } from '../helpers/app'
import { cleanupTestResources, createTestContainer, dockerCli } from '../helpers/docker'
import { AGENT_MODES, appWithRealAgent } from '../helpers/real-agent'

afterAll(cleanupTestResources)

/**
 * A dockerode for the agent whose Engine API requests are counted (its events stream has its own
 * client). The engine is shared with other engineers' test runs: the one-container refresh that
 * an event about one of *their* containers starts is not caused by our reads, and is left out.
 */
function countingDocker(ours: () => string[]) {
  const docker = createDockerClient(process.env.DOCKER_HOST)
  const calls: string[] = []
  type Dial = { method?: string; path?: string; options?: { filters?: unknown } }
  const modem = docker.modem as unknown as { dial: (options: Dial, cb: unknown) => unknown }
  const dial = modem.dial.bind(modem)
  modem.dial = (options, cb) => {
    const call = `${options.method ?? 'GET'} ${options.path} ${JSON.stringify(options.options?.filters ?? null)}`
    const named = /[0-9a-f]{64}/.exec(call)?.[0]
    if (!named || ours().includes(named)) calls.push(call)
    return dial(options, cb)
  }
  return { docker, calls }
}

describe.each(AGENT_MODES)('reads answered from the agent inventory [%s agent]', (mode) => {
  let ctx: Awaited<ReturnType<typeof appWithRealAgent>>
  let counted: ReturnType<typeof countingDocker>
  let web: Awaited<ReturnType<typeof createTestContainer>>
  const api = (path: string, init: RequestInit = {}) =>
    ctx.app.request(path, { ...init, headers: { ...auth, ...(init.headers as Record<string, string>) } })
  const stateOf = async (ref: string) => (await (await api(`/api/services/${ref}`)).json()).service?.state

  beforeAll(async () => {
    web = await createTestContainer()
    const idle = await createTestContainer({ start: false })
    counted = countingDocker(() => [web.id, idle.id])
    // No resync tick during the test: what is counted is what the requests cost.
    ctx = await appWithRealAgent(mode, { docker: counted.docker, monitor: { defaultIntervalMs: 600_000 } })
  })
  afterAll(async () => ctx.close())

  it('makes no Docker call for 100 reads of health, the service list, a service and all health', async () => {
    const routes = ['/api/health', '/api/services', `/api/services/${web.name}`, '/api/services/health/all']
    // Warm: the first reads may wait for the first inventory and the engine facts.
    for (const path of routes) expect((await api(path)).status, path).toBe(200)
    counted.calls.length = 0
    for (let i = 0; i < 100; i++) {
      const path = routes[i % routes.length]!
      const res = await api(path)
      expect(res.status, path).toBe(200)
      if (path === '/api/services')
        expect((await res.json()).services.map((s: { name: string }) => s.name)).toContain(web.name)
      if (path === '/api/health')
        expect(await res.json()).toMatchObject({
          status: 'ok',
          docker: { status: 'connected' },
          containers: { managed: expect.any(Number) },
        })
    }
    expect(counted.calls).toEqual([])
  })

  it('shows a stop done with the docker CLI within a second, from the events stream', async () => {
    await dockerCli('stop', '-t', '1', web.name)
    const deadline = Date.now() + 1500
    let state = await stateOf(web.name)
    while (state !== 'exited' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50))
      state = await stateOf(web.name)
    }
    expect(state).toBe('exited')
    const { services } = await (await api('/api/services')).json()
    expect(services.find((s: { name: string }) => s.name === web.name)).toMatchObject({
      state: 'exited',
      isRunning: false,
      status: expect.stringMatching(/^Exited \(\d+\) /),
    })
  })

  it('shows an API action at once, with no wait for the events', async () => {
    expect((await api(`/api/services/${web.name}/start`, { method: 'POST' })).status).toBe(200)
    expect(await stateOf(web.name)).toBe('running')
    const { services } = await (await api('/api/services')).json()
    expect(services.find((s: { name: string }) => s.name === web.name)).toMatchObject({
      state: 'running',
      status: expect.stringMatching(/^Up /),
    })
  })

  it('moves the uptime on and shows an API stop at once in all health, though its text is kept between changes', async () => {
    type Health = { serviceName: string; state: string; status: string; uptimeSeconds: number }
    const healthOf = async (): Promise<Health | undefined> =>
      (await (await api('/api/services/health/all')).json()).services.find((s: Health) => s.serviceName === web.name)
    const first = await healthOf()
    expect(first).toMatchObject({ state: 'running', status: 'up' })
    expect(await healthOf()).toEqual(first)
    await new Promise((r) => setTimeout(r, 1100))
    expect((await healthOf())!.uptimeSeconds).toBeGreaterThan(first!.uptimeSeconds)
    expect((await api(`/api/services/${web.name}/stop`, { method: 'POST' })).status).toBe(200)
    expect(await healthOf()).toMatchObject({ state: 'exited', status: 'down', uptimeSeconds: 0 })
  })
})
