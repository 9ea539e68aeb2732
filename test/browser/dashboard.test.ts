import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TEST_TOKEN } from '../helpers/app'
import { launchBrowser } from '../helpers/browser'
import { cleanupTestResources, createTestContainer, dockerCli } from '../helpers/docker'
import { FAST } from '../helpers/monitor'
import { appWithRealAgent } from '../helpers/real-agent'
import { listen } from '../helpers/targets'

/**
 * The dashboard end to end: a real Chromium, the real HTTP server, the real agent and engine.
 * One browser page walks through what a user does, step by step; each step depends on the last.
 */
describe('the dashboard in a real browser', () => {
  let ctx: Awaited<ReturnType<typeof appWithRealAgent>>
  let server: Awaited<ReturnType<typeof listen>>
  let browser: Awaited<ReturnType<typeof launchBrowser>>
  let page: Page
  let dataDir: string
  const problems: string[] = []
  const services: string[] = []

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'zapie-ui-'))
    ctx = await appWithRealAgent('in-process', { dataDir, monitor: FAST })
    server = await listen(ctx.app)
    for (let i = 0; i < 2; i++) services.push((await createTestContainer()).name)
    browser = await launchBrowser()
    page = await browser.context.newPage()
    // Any CSP violation or script error fails the run: the page must work under its own policy.
    page.on('console', (m) => {
      if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) problems.push(m.text())
    })
    page.on('pageerror', (e) => problems.push(String(e)))
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`))
    })
  })

  afterAll(async () => {
    await browser?.close()
    await server?.close()
    await ctx?.close()
    await cleanupTestResources()
    rmSync(dataDir, { recursive: true, force: true })
  })

  const row = (serviceId: string) => page.locator(`tr[data-service="${serviceId}"]`)

  it('says so when the token is wrong, and signs in with the right one', async () => {
    await page.goto(`${server.url}/`)
    await page.getByLabel('API token').fill('not-the-token-at-all')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('not valid')
    await page.getByLabel('API token').fill(TEST_TOKEN)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByRole('heading', { name: 'Services' }).waitFor()
    // The token is nowhere the page's scripts can read it back.
    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + document.cookie)
    expect(stored).not.toContain(TEST_TOKEN)
  })

  it('lists every managed service with its state, and keeps the session across a reload', async () => {
    await page.reload()
    for (const id of services) await row(id).waitFor()
    await expect.poll(() => row(services[0]!).locator('[data-col="state"]').textContent()).toBe('running')
    await page.getByTestId('live-status').filter({ hasText: 'Live' }).waitFor()
  })

  it('shows a service stopped with the docker CLI without a reload', async () => {
    await dockerCli('stop', '-t', '1', services[0]!)
    await expect.poll(() => row(services[0]!).locator('[data-col="state"]').textContent(), { timeout: 5000 }).toBe('exited')
    await dockerCli('start', services[0]!)
    await expect.poll(() => row(services[0]!).locator('[data-col="state"]').textContent(), { timeout: 5000 }).toBe('running')
  })

  it('filters by status and by search', async () => {
    await page.getByLabel('Search services').fill(services[1]!)
    await expect.poll(() => page.locator('tbody tr[data-service]').count()).toBe(1)
    await page.getByLabel('Search services').fill('')
    await page.getByLabel('Filter by status').selectOption('stopped')
    await expect.poll(() => row(services[0]!).count()).toBe(0)
    await page.getByLabel('Filter by status').selectOption('all')
  })

  it('ran without a script error or a CSP violation', () => {
    expect(problems).toEqual([])
  })
})
