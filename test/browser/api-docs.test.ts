import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { buildTestApp, TEST_TOKEN } from '../helpers/app'
import { launchBrowser } from '../helpers/browser'
import { fakeService } from '../helpers/fake-agent'
import { listen } from '../helpers/targets'

/** The reference page at /api/docs in a real browser: it renders the document under its CSP and sends requests. */
describe('GET /api/docs in a browser', () => {
  let browser: Awaited<ReturnType<typeof launchBrowser>>
  let server: Awaited<ReturnType<typeof listen>>
  let page: Page
  const problems: string[] = []

  beforeAll(async () => {
    const built = await buildTestApp({ services: [fakeService('zapie-web-1')], env: { ZAPIE_RATE_LIMIT: '0' } })
    server = await listen(built.app)
    browser = await launchBrowser()
    page = await browser.context.newPage()
    // A CSP violation or a script error shows up here; an offline page must not try another origin.
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()))
    page.on('pageerror', (e) => problems.push(String(e)))
    page.on('request', (r) => !r.url().startsWith(server.url) && problems.push(`request to ${r.url()}`))
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  it('lists every operation of the document and the events, with no errors', async () => {
    await page.goto(`${server.url}/api/docs`)
    await page.waitForSelector('details.op')
    const doc = await (await fetch(`${server.url}/api/openapi.json`)).json()
    const operations = Object.values(doc.paths as Record<string, object>).reduce(
      (n, ops) => n + Object.keys(ops).length,
      0,
    )
    const events = Object.keys(doc['x-events']).length
    expect(await page.locator('details.op').count()).toBe(operations + events)
    expect(problems).toEqual([])
  })

  it('sends a request with the pasted token and shows the answer', async () => {
    await page.fill('#token', TEST_TOKEN)
    const card = page.locator('details#getServices')
    await card.locator(':scope > summary').click()
    await card.getByRole('button', { name: 'Send request' }).click()
    await expect.poll(() => card.locator('pre.result').textContent(), { timeout: 10_000 }).toContain('zapie-web-1')
    expect(await card.locator('pre.result').textContent()).toMatch(/^200 /)
    expect(problems).toEqual([])
  })
})
