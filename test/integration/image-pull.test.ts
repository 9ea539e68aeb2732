import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { auth } from '../helpers/app'
import { cleanupTestResources, dockerCli, RUN_ID, volumeExists } from '../helpers/docker'
import { type PushedImage, pullTemplate, pushTestImage } from '../helpers/pull-image'
import { AGENT_MODES, appWithRealAgent } from '../helpers/real-agent'
import { startTestRegistry, type TestRegistry } from '../helpers/registry'
import { openEventStream } from '../helpers/sse-client'
import { listen } from '../helpers/targets'

/**
 * Deploying an image that is not on the host: the engine pulls it from a real (test) registry on
 * 127.0.0.1 over plain HTTP, as it would from Docker Hub, and the user watches it happen.
 */
const MiB = 1024 * 1024
let registry: TestRegistry
let pushed: PushedImage

beforeAll(async () => {
  registry = await startTestRegistry()
  pushed = await pushTestImage(registry, { layerMiB: 4 })
})
afterAll(async () => {
  await cleanupTestResources()
  await pushed?.evict().catch(() => {})
  await registry?.close()
})

const json = (body: unknown) => ({
  method: 'POST',
  headers: { ...auth, 'content-type': 'application/json' },
  body: JSON.stringify(body),
})

interface Progress {
  step: string
  status: string
  message: string
  code?: string
  layer?: string
  layerStatus?: string
  layerCurrent?: number
  layerTotal?: number
  progress?: number
  pullCurrent?: number
  pullTotal?: number
}

/** The public API over a real HTTP server, with the token. */
const apiOf =
  (url: string) =>
  (path: string, init: RequestInit = {}) =>
    fetch(`${url}${path}`, { ...init, headers: { ...auth, ...(init.headers as Record<string, string>) } })

async function addTemplate(url: string, name: string, image: string) {
  const res = await apiOf(url)('/api/templates', json(pullTemplate(name, image)))
  expect(res.status, await res.clone().text()).toBe(201)
}

/** Deploys in the background and follows its events over the real HTTP server, as the page does. */
async function deployWatched(url: string, serviceType: string, serviceName: string) {
  const api = apiOf(url)
  const deploymentId = `${serviceName}-${RUN_ID}`
  const stream = await openEventStream(`${url}/api/events?deploymentId=${deploymentId}`, auth)
  const res = await api('/api/deploy', json({ serviceType, serviceName, deploymentId }))
  expect(res.status, await res.clone().text()).toBe(202)
  const events = () =>
    stream.received.filter((e) => e.event === 'deployment-progress').map((e) => JSON.parse(e.data) as Progress)
  const finished = async (timeoutMs: number) => {
    await stream.waitFor((e) => ['done', 'error'].includes(JSON.parse(e.data).step), timeoutMs)
    stream.close()
    const { deployment } = await (await api(`/api/deploy/${deploymentId}`)).json()
    return deployment
  }
  return { deploymentId, stream, events, finished }
}

/** What a user would find after a failed deploy: no container, no volume, no half image. */
async function expectNothingLeftBehind(deployment: { containerName: string }, image: string) {
  expect(await dockerCli('ps', '-a', '--filter', `name=${deployment.containerName}`, '--format', '{{.Names}}')).toBe('')
  expect(await volumeExists(`${deployment.containerName}_data`)).toBe(false)
  await expect(dockerCli('image', 'inspect', image)).rejects.toThrow()
}

describe.each(AGENT_MODES)('deploying an image that must be pulled [%s agent]', (mode) => {
  let ctx: Awaited<ReturnType<typeof appWithRealAgent>>
  let server: Awaited<ReturnType<typeof listen>>
  const short = mode === 'http' ? 'h' : 'i'
  // A template deploys as the first 32 characters of its slugged name: with RUN_ID's prefix
  // (ZAPIE_TEST_RUN_PREFIX, up to 10 characters) the two names must differ at their start, or
  // both slug alike and the second is refused as name_taken.
  const slug = `pull${short}-${RUN_ID}`
  const unknown = `nosuch${short}-${RUN_ID}`
  const fetchApi = (path: string, init: RequestInit = {}) => apiOf(server.url)(path, init)

  beforeAll(async () => {
    ctx = await appWithRealAgent(mode)
    server = await listen(ctx.app)
    await addTemplate(server.url, slug, pushed.image)
    await addTemplate(server.url, unknown, `${registry.host}/zapie-test/pullme:no-such-tag-${RUN_ID}`)
  })
  afterAll(async () => {
    await server?.close()
    await ctx?.close()
    // The image is in use until the service is gone; the next mode must pull it again.
    await cleanupTestResources()
  })
  beforeEach(async () => {
    registry.throttle(0)
    registry.fault({ kind: 'none' })
    await pushed.evict()
  })

  it('fails with a readable image_pull_failed for a tag the registry does not have, leaving nothing behind', async () => {
    const image = `${registry.host}/zapie-test/pullme:no-such-tag-${RUN_ID}`
    const res = await fetchApi('/api/deploy?wait=true', json({ serviceType: unknown, serviceName: 'nosuch' }))
    const body = await res.json()
    expect(res.status, JSON.stringify(body)).toBe(502)
    expect(body).toMatchObject({
      success: false,
      code: 'image_pull_failed',
      error: `Image '${image}' is not on this host and could not be pulled: the registry has no such image`,
    })
    expect(registry.requests).toContain(`GET /v2/zapie-test/pullme/manifests/no-such-tag-${RUN_ID}`)
    const { deployment } = await (await fetchApi(`/api/deploy/${body.deploymentId}`)).json()
    expect(deployment).toMatchObject({ status: 'failed', containerId: null, error: { code: 'image_pull_failed' } })
    await expectNothingLeftBehind(deployment, image)
  })

  it('fails with a readable image_pull_failed when the registry answers 500, leaving nothing behind', async () => {
    registry.fault({ kind: 'status', status: 500 })
    const watched = await deployWatched(server.url, slug, `broken${short}`)
    const deployment = await watched.finished(30_000)
    expect(watched.events().at(-1)).toMatchObject({
      step: 'error',
      status: 'failed',
      code: 'image_pull_failed',
      message: `Image '${pushed.image}' is not on this host and could not be pulled: the registry answered with a server error; try again later`,
    })
    expect(deployment).toMatchObject({ status: 'failed', error: { code: 'image_pull_failed' } })
    await expectNothingLeftBehind(deployment, pushed.image)
  })

  it('pulls the missing image with per-layer byte progress, stays responsive meanwhile, and runs the service', async () => {
    // About four seconds for the random layer: long enough to watch and to call the API during it.
    registry.throttle(1 * MiB)
    const watched = await deployWatched(server.url, slug, `pulled${short}`)
    await watched.stream.waitFor(
      (e) => e.event === 'deployment-progress' && (JSON.parse(e.data) as Progress).layerStatus === 'Downloading',
      30_000,
    )
    // The pull streams on its own connection: reads of the API are not queued behind it.
    const timings: number[] = []
    for (const path of ['/api/health', '/api/services', `/api/deploy/${watched.deploymentId}`, '/api/services']) {
      const started = performance.now()
      const res = await fetchApi(path)
      timings.push(performance.now() - started)
      expect(res.status, path).toBe(200)
    }
    const stillPulling = !watched.events().some((e) => e.step === 'image' && e.status === 'completed')
    expect(stillPulling, 'the pull finished before the API was asked').toBe(true)
    expect(Math.max(...timings)).toBeLessThan(1000)

    const deployment = await watched.finished(60_000)
    expect(deployment, JSON.stringify(deployment)).toMatchObject({ status: 'succeeded' })
    const events = watched.events()
    // The random layer: the only one this host did not have (the busybox base "Already exists").
    const downloads = events.filter((e) => e.layerStatus === 'Downloading' && typeof e.layerTotal === 'number')
    expect(downloads.length).toBeGreaterThanOrEqual(3)
    const layer = downloads[0]!.layer!
    const mine = downloads.filter((e) => e.layer === layer)
    const currents = mine.map((e) => e.layerCurrent!)
    expect(currents).toEqual([...currents].sort((a, b) => a - b))
    expect(new Set(currents).size).toBe(currents.length)
    expect(mine.every((e) => e.layerTotal === mine[0]!.layerTotal)).toBe(true)
    expect(mine[0]!.layerTotal).toBeGreaterThan(pushed.layerBytes * 0.95)
    expect(mine[0]!.layerTotal).toBeLessThan(pushed.layerBytes * 1.1)
    expect(mine.at(-1)!.message).toMatch(new RegExp(`^Downloading layer ${layer}: \\d+% \\([\\d.]+ of 4\\.\\d MB\\)$`))
    const statuses = events.filter((e) => e.layer === layer).map((e) => e.layerStatus)
    expect(statuses.indexOf('Download complete')).toBeGreaterThan(statuses.lastIndexOf('Downloading'))
    expect(statuses.at(-1)).toBe('Pull complete')
    expect(events.some((e) => e.layerStatus === 'Already exists')).toBe(true)
    // The whole deploy's progress moves with the download's bytes, inside the image step's share
    // (after the port step's 20, before the image step's 60), never backwards.
    const pulling = events.filter((e) => e.layer && e.pullTotal !== undefined)
    const overall = pulling.map((e) => e.progress!)
    expect(overall).toEqual([...overall].sort((a, b) => a - b))
    expect(overall.every((p) => p >= 20 && p < 60)).toBe(true)
    expect(overall.some((p) => p > 20 && p < 50)).toBe(true)
    expect(overall.at(-1)).toBeGreaterThanOrEqual(50)
    expect(pulling.at(-1)).toMatchObject({ pullCurrent: mine[0]!.layerTotal, pullTotal: mine[0]!.layerTotal })
    // No event names the tag as if it were a layer.
    expect(events.some((e) => e.layer === RUN_ID)).toBe(false)
    expect(events.find((e) => e.step === 'image' && e.status === 'completed')?.message).toBe(
      `Pulled image ${pushed.image}`,
    )
    expect(events.at(-1)).toMatchObject({ step: 'done', status: 'completed' })

    const info = JSON.parse(await dockerCli('inspect', deployment.containerName))[0]
    expect(info.State.Running).toBe(true)
    expect(info.Config.Image).toBe(pushed.image)
    expect(await pushed.isLocal()).toBe(true)
  })
})

// Docker retries a broken layer for about 75 s (5 attempts, 5…25 s apart) before it gives up:
// both agent modes share that one wait.
describe('deploying while the registry goes away mid-pull [in-process and http agents at once]', () => {
  it('fails with a readable image_pull_failed after Docker’s retries, showing them, and leaves nothing behind', async () => {
    const doomed = await startTestRegistry()
    const apps = await Promise.all(AGENT_MODES.map((mode) => appWithRealAgent(mode)))
    const servers = await Promise.all(apps.map((a) => listen(a.app)))
    const images: PushedImage[] = []
    try {
      const runs = await Promise.all(
        AGENT_MODES.map(async (mode, i) => {
          const short = mode === 'http' ? 'h' : 'i'
          const url = servers[i]!.url
          const image = await pushTestImage(doomed, { tag: `away-${short}-${RUN_ID}`, layerMiB: 2 })
          images.push(image)
          await addTemplate(url, `away-${short}-${RUN_ID}`, image.image)
          return { image, short, url }
        }),
      )
      doomed.throttle(128 * 1024)
      const watched = await Promise.all(
        runs.map((r) => deployWatched(r.url, `away-${r.short}-${RUN_ID}`, `away${r.short}`)),
      )
      // Both downloads under way, then the registry vanishes: every socket cut, the port closed.
      await Promise.all(
        watched.map((w) =>
          w.stream.waitFor(
            (e) => e.event === 'deployment-progress' && (JSON.parse(e.data).layerCurrent ?? 0) > 0,
            30_000,
          ),
        ),
      )
      await doomed.close()
      const deployments = await Promise.all(watched.map((w) => w.finished(120_000)))
      for (const [i, w] of watched.entries()) {
        const events = w.events()
        // While Docker waits between attempts the user sees it, not a frozen bar.
        expect(events.some((e) => /^Retrying in \d+ seconds?$/.test(e.layerStatus ?? ''))).toBe(true)
        expect(events.at(-1)).toMatchObject({
          step: 'error',
          status: 'failed',
          code: 'image_pull_failed',
          message: `Image '${runs[i]!.image.image}' is not on this host and could not be pulled: the connection to the registry was lost during the download`,
        })
        expect(deployments[i]).toMatchObject({ status: 'failed', error: { code: 'image_pull_failed' } })
        await expectNothingLeftBehind(deployments[i], runs[i]!.image.image)
        expect(await runs[i]!.image.isLocal()).toBe(false)
      }
    } finally {
      await Promise.all(servers.map((s) => s.close()))
      await Promise.all(apps.map((a) => a.close()))
      await doomed.close().catch(() => {})
      // Should a pull have got through after all, its image goes too, once no container uses it.
      await cleanupTestResources()
      await Promise.all(images.map((i) => i.evict().catch(() => {})))
    }
  }, 150_000)
})
