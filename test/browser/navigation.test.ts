import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, TEST_TOKEN } from '../helpers/app'
import { launchBrowser, signIn, watchedPage } from '../helpers/browser'
import { fakeService } from '../helpers/fake-agent'
import { listen } from '../helpers/targets'

/**
 * Leaving a screen while its requests are still out: when they answer, the screen the user left
 * must not come back (hono/jsx/dom re-renders a component whose state is set after it is gone).
 * The fake agent behind the real app; the browser delays one answer on purpose.
 */
describe('leaving a screen before its data arrives', () => {
  let built: Awaited<ReturnType<typeof buildTestApp>>
  let server: Awaited<ReturnType<typeof listen>>
  let browser: Awaited<ReturnType<typeof launchBrowser>>
  let page: Page
  const problems: string[] = []

  beforeAll(async () => {
    built = await buildTestApp({ services: [fakeService('svc-slow'), fakeService('svc-other')] })
    server = await listen(built.app)
    browser = await launchBrowser()
    page = await watchedPage(browser.context, problems, { consoleErrors: false })
    await signIn(page, server.url, TEST_TOKEN)
  })

  afterAll(async () => {
    await browser?.close()
    await server?.close()
    built?.hub.close()
  })

  /** Every answer under `pattern` is held back this long. */
  const slow = (pattern: string, ms: number) =>
    page.route(pattern, async (route) => {
      await new Promise((r) => setTimeout(r, ms))
      await route.continue().catch(() => {})
    })

  it("leaving a service page for another shows only the other, once the first one's answer arrives", async () => {
    await slow('**/api/services/svc-slow', 700)
    await page.goto(`${server.url}/#/services/svc-slow`)
    await page
      .getByRole('status')
      .filter({ hasText: /^Loading/ })
      .first()
      .waitFor()
    await page.goto(`${server.url}/#/services/svc-other`)
    await page.getByRole('heading', { name: 'svc-other', exact: true }).waitFor()
    await page.waitForTimeout(1200)
    await page.unroute('**/api/services/svc-slow')
    expect(await page.locator('main > *').count()).toBe(1)
    expect(await page.locator('main h1').allTextContents()).toEqual(['svc-other'])
    expect(await page.getByText('svc-slow').count()).toBe(0)
  })

  it('leaving a service page while a restart is under way shows only the overview once it answers', async () => {
    await page.goto(`${server.url}/#/services/svc-slow`)
    await page.getByRole('heading', { name: 'svc-slow' }).waitFor()
    await slow('**/api/services/svc-slow/restart*', 700)
    await page.getByRole('button', { name: 'Restart', exact: true }).click()
    await page.goto(`${server.url}/#/`)
    await page.getByRole('heading', { name: 'Services', exact: true }).waitFor()
    await page.waitForTimeout(1500)
    await page.unroute('**/api/services/svc-slow/restart*')
    expect(await page.locator('main > *').count()).toBe(1)
    expect(await page.locator('main h1').allTextContents()).toEqual(['Services'])
  })

  it('ran without a script error', () => {
    expect(problems).toEqual([])
  })
})
