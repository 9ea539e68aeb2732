import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { auth, TEST_TOKEN } from '../helpers/app'
import { launchBrowser, signIn, watchedPage } from '../helpers/browser'
import { cleanupTestResources, RUN_ID } from '../helpers/docker'
import { type PushedImage, pullTemplate, pushTestImage } from '../helpers/pull-image'
import { appWithRealAgent } from '../helpers/real-agent'
import { startTestRegistry, type TestRegistry } from '../helpers/registry'
import { listen } from '../helpers/targets'

/** What the page shows at one moment of the deploy, recorded by the page itself. */
interface Seen {
  /** The image download bar and its caption, while the download panel is shown. */
  now: string | null
  text: string
  /** The download panel still says it is downloading. */
  pulling: boolean
  /** The whole deploy's bar (aria-valuenow; null while indeterminate). */
  overall: string | null
  /** The step lines. */
  steps: string[]
}

/**
 * Deploying from the dashboard an image the host does not have: the engine pulls it from a test
 * registry on 127.0.0.1, throttled so the user can watch, and the page shows the download.
 */
describe('deploying an image that must be pulled, in a real browser', () => {
  let ctx: Awaited<ReturnType<typeof appWithRealAgent>>
  let server: Awaited<ReturnType<typeof listen>>
  let browser: Awaited<ReturnType<typeof launchBrowser>>
  let registry: TestRegistry
  let pushed: PushedImage
  let page: Page
  const problems: string[] = []
  const templateName = `Pull me ${RUN_ID}`
  const brokenName = `Pull nothing ${RUN_ID}`

  const addTemplate = async (name: string, image: string) => {
    const res = await ctx.app.request('/api/templates', {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify(pullTemplate(name, image)),
    })
    expect(res.status, await res.clone().text()).toBe(201)
  }

  const deploy = async (template: string, serviceName: string) => {
    await page.getByRole('link', { name: 'Deploy', exact: true }).click()
    await page.getByLabel('Search templates').fill(RUN_ID)
    await page.getByRole('link', { name: `Deploy ${template}` }).click()
    await page.getByLabel('Service name').fill(serviceName)
    await page.getByRole('button', { name: 'Deploy', exact: true }).click()
  }

  beforeAll(async () => {
    registry = await startTestRegistry()
    pushed = await pushTestImage(registry, { layerMiB: 4 })
    ctx = await appWithRealAgent('in-process')
    server = await listen(ctx.app)
    await addTemplate(templateName, pushed.image)
    await addTemplate(brokenName, `${registry.host}/zapie-test/pullme:no-such-tag-${RUN_ID}`)
    browser = await launchBrowser()
    page = await watchedPage(browser.context, problems)
    await signIn(page, server.url, TEST_TOKEN)
  })

  afterAll(async () => {
    await browser?.close()
    await server?.close()
    await ctx?.close()
    await cleanupTestResources()
    await pushed?.evict().catch(() => {})
    await registry?.close()
  })

  it('shows the image download filling up, byte by byte, then lands on the new service', async () => {
    // About four seconds for the 4 MiB layer: several updates of the bar.
    registry.throttle(1024 * 1024)
    const serviceName = `pull${RUN_ID.slice(-8)}`
    await deploy(templateName, serviceName)
    const bar = page.getByTestId('pull-progress').getByRole('progressbar', { name: 'Image download' })
    await bar.waitFor({ timeout: 30_000 })
    // Every value the bars and their captions take, seen by the page itself (no polling gaps).
    await page.evaluate(() => {
      const seen: Seen[] = []
      ;(window as unknown as { pullSeen: typeof seen }).pullSeen = seen
      const section = document.querySelector('[data-testid="deploy-progress"]')!
      const record = () => {
        const box = section.querySelector('[data-testid="pull-progress"]')
        const overall = section.querySelector('[role="progressbar"][aria-label="Deployment progress"]')
        seen.push({
          now: box?.querySelector('[role="progressbar"]')?.getAttribute('aria-valuenow') ?? null,
          text: box?.querySelector('[data-testid="pull-bytes"]')?.textContent ?? '',
          pulling: box?.querySelector('h3')?.textContent === 'Downloading the image',
          overall: overall?.getAttribute('aria-valuenow') ?? null,
          steps: [...section.querySelectorAll('.steps li')].map((li) => li.textContent ?? ''),
        })
      }
      record()
      new MutationObserver(record).observe(section, {
        subtree: true,
        childList: true,
        attributes: true,
        characterData: true,
      })
    })
    await page.getByRole('heading', { name: new RegExp(serviceName) }).waitFor({ timeout: 60_000 })
    expect(page.url()).toContain('#/services/zapie-')

    const seen = await page.evaluate(() => (window as unknown as { pullSeen: Seen[] }).pullSeen)
    const values = seen
      .map((s) => s.now)
      .filter((v): v is string => v !== null)
      .map(Number)
    const between = [...new Set(values.filter((v) => v > 0 && v < 100))]
    expect(between.length, JSON.stringify(seen)).toBeGreaterThanOrEqual(2)
    expect(values).toEqual([...values].sort((a, b) => a - b))
    // The caption reads "x of y MB", x growing towards y.
    const partial = seen
      .map((s) => /^(\d+\.\d) of (\d+\.\d) MB$/.exec(s.text))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [Number(m[1]), Number(m[2])] as const)
    expect(
      partial.some(([x, y]) => x > 0 && x < y),
      JSON.stringify(seen),
    ).toBe(true)
    expect(partial.every(([, y]) => y >= 4 && y < 4.5)).toBe(true)

    // The whole deploy's bar moves with the download: past the 20 % of the step before it while
    // the image is still downloading, never backwards, and accessible (a value, 0–100).
    const duringPull = seen.filter((s) => s.pulling)
    const overall = duringPull.map((s) => (s.overall === null ? null : Number(s.overall)))
    expect(
      overall.some((v) => v !== null && v > 20 && v < 60),
      JSON.stringify(duringPull),
    ).toBe(true)
    const known = overall.filter((v): v is number => v !== null)
    expect(known).toEqual([...known].sort((a, b) => a - b))
    // The image step's line names the download and its bytes, not "Checking image …".
    const stepLines = duringPull
      .map((s) => s.steps.map((l) => /Downloading image: (\d+\.\d) of (\d+\.\d) MB/.exec(l)).find(Boolean))
      .filter((m): m is RegExpExecArray => !!m)
      .map((m) => [Number(m[1]), Number(m[2])] as const)
    expect(
      stepLines.some(([x, y]) => x > 0 && x < y && y >= 4),
      JSON.stringify(duringPull),
    ).toBe(true)
    expect(duringPull.some((s) => s.steps.some((l) => l.includes('Checking image')))).toBe(false)
    // Before the registry has given a size there is nothing to measure: a busy bar, no number.
    for (const s of duringPull.filter((s) => s.text === 'Waiting for the registry…')) {
      expect(s.overall).toBeNull()
      expect(s.steps.at(-1)).toMatch(/Downloading image …$/)
    }
  })

  it('says plainly why when the image cannot be pulled, and the deploy can be tried again', async () => {
    await deploy(brokenName, `nopull${RUN_ID.slice(-6)}`)
    const alert = page.getByRole('alert')
    await alert.waitFor({ timeout: 30_000 })
    expect(await alert.textContent()).toBe(
      `Image '${registry.host}/zapie-test/pullme:no-such-tag-${RUN_ID}' is not on this host and could not be pulled: the registry has no such image`,
    )
    expect(await page.getByRole('button', { name: 'Deploy', exact: true }).isEnabled()).toBe(true)
  })

  it('ran without a script error or a CSP violation', () => {
    expect(problems).toEqual([])
  })
})
