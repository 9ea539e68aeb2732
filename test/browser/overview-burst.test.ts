import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, TEST_TOKEN } from '../helpers/app'
import { launchBrowser, signIn } from '../helpers/browser'
import { fakeService } from '../helpers/fake-agent'
import { listen } from '../helpers/targets'

const COUNT = 100
const names = Array.from({ length: COUNT }, (_, i) => `burst-${String(i).padStart(3, '0')}`)

/** What the page records while the burst runs; installed before the app's own scripts. */
interface Probe {
  frames: number
  /** Mutation callbacks on the services table, per animation frame they landed in. */
  rendersInFrame: Map<number, number>
  longTasks: number[]
}

/**
 * The overview with 100 services under a storm of live updates (the fake agent behind the real
 * app and the real event stream; Docker is not what is tested here): the table is rendered at most
 * once per animation frame, nothing is lost, and the main thread is never blocked long.
 */
describe('the overview with 100 services under a burst of live updates', () => {
  let built: Awaited<ReturnType<typeof buildTestApp>>
  let server: Awaited<ReturnType<typeof listen>>
  let browser: Awaited<ReturnType<typeof launchBrowser>>
  let page: Page

  beforeAll(async () => {
    built = await buildTestApp({ services: names.map((n) => fakeService(n)), env: { ZAPIE_RATE_LIMIT: '0' } })
    server = await listen(built.app)
    browser = await launchBrowser({ viewport: { width: 1200, height: 900 } })
    page = await browser.context.newPage()
    page.setDefaultTimeout(15_000)
    await page.addInitScript(() => {
      const probe = { frames: 0, rendersInFrame: new Map<number, number>(), longTasks: [] as number[] }
      ;(window as unknown as { probe: Probe }).probe = probe
      const tick = () => {
        probe.frames++
        requestAnimationFrame(tick)
      }
      requestAnimationFrame(tick)
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) probe.longTasks.push(e.duration)
      }).observe({ type: 'longtask', buffered: true })
      // One callback per task that changed the table: two in one frame are two renders in one frame.
      new MutationObserver(() => {
        if (!document.querySelector('table.services')) return
        probe.rendersInFrame.set(probe.frames, (probe.rendersInFrame.get(probe.frames) ?? 0) + 1)
      }).observe(document, { subtree: true, childList: true, characterData: true, attributes: true })
    })
  })

  afterAll(async () => {
    await browser?.close()
    await server?.close()
    built?.hub.close()
  })

  it('renders at most once per frame, shows every last value, and has no long task', async () => {
    await signIn(page, server.url, TEST_TOKEN, { waitForServices: false })
    await page.getByTestId('live-status').filter({ hasText: 'Live' }).waitFor()
    await expect.poll(() => page.locator('tbody tr[data-service]').count()).toBe(COUNT)
    await page.evaluate(() => {
      const p = (window as unknown as { probe: Probe }).probe
      p.rendersInFrame.clear()
      p.longTasks.length = 0
    })

    // ~500 events a second for 3 s, spread out as a busy host sends them (not one lump per second):
    // every 4 ms one service gets a metrics and a health update, round robin.
    const started = Date.now()
    let sent = 0
    while (Date.now() - started < 3000) {
      const i = sent % COUNT
      const round = Math.floor(sent / COUNT) + 1
      const serviceId = names[i]!
      built.hub.publish('metrics-update', {
        serviceId,
        containerId: serviceId,
        serviceName: serviceId,
        metrics: { cpu: { percentage: (round * 7 + i) % 90 }, memory: { usage: 1024 * 1024 * round, percentage: 1 } },
      })
      built.hub.publish('health-update', {
        serviceId,
        containerId: serviceId,
        serviceName: serviceId,
        status: 'up',
        health: null,
        uptimeSeconds: round,
        restartCount: round,
      })
      sent++
      await new Promise((r) => setTimeout(r, 4))
    }
    const lastRound = (i: number) => Math.floor((sent - 1 - i) / COUNT) + 1
    // The last word per service is distinct, so a lost update shows.
    for (const [i, serviceId] of names.entries()) {
      built.hub.publish('metrics-update', {
        serviceId,
        containerId: serviceId,
        serviceName: serviceId,
        metrics: { cpu: { percentage: 10 + i / 10 }, memory: { usage: 1024 * 1024 * 7, percentage: 1 } },
      })
      if (i % 2) built.hub.publish('container-event', { serviceId, containerId: serviceId, action: 'stop' })
    }

    const cells = () =>
      page.evaluate(() =>
        [...document.querySelectorAll('tbody tr[data-service]')].map((tr) => ({
          id: tr.getAttribute('data-service'),
          cpu: tr.querySelector('[data-col="cpu"]')?.textContent,
          state: tr.querySelector('[data-col="state"]')?.textContent,
        })),
      )
    const expected = names.map((id, i) =>
      i % 2 ? { id, cpu: '—', state: 'exited' } : { id, cpu: `${(10 + i / 10).toFixed(1)}%`, state: 'running' },
    )
    await expect.poll(cells, { timeout: 10_000 }).toEqual(expected)
    // The restart counts are the last each service was sent, not an earlier one.
    const restarts = await page.evaluate(() =>
      [...document.querySelectorAll('tbody tr[data-service]')].map((tr) => tr.querySelectorAll('td')[7]?.textContent),
    )
    expect(restarts).toEqual(names.map((_, i) => String(lastRound(i))))
    expect(sent, 'events sent in 3 s (two per step)').toBeGreaterThan(300)

    const { perFrame, frames, longTasks } = await page.evaluate(() => {
      const p = (window as unknown as { probe: Probe }).probe
      return { perFrame: [...p.rendersInFrame.values()], frames: p.frames, longTasks: p.longTasks }
    })
    expect(frames).toBeGreaterThan(100)
    expect(perFrame.length, 'the table was updated during the burst').toBeGreaterThan(5)
    expect(Math.max(...perFrame), 'renders in one animation frame').toBe(1)
    expect(longTasks.filter((d) => d > 200)).toEqual([])
  }, 60_000)
})
