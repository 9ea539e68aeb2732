import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type BrowserContext, type Page } from 'playwright-core'

/** Debian's chromium, as CI installs it; playwright-core downloads no browser of its own. */
export const CHROMIUM = process.env.ZAPIE_CHROMIUM ?? '/usr/bin/chromium'

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** A real headless Chromium with a fresh profile; `close` removes the profile too. */
export async function launchBrowser(options: { viewport?: { width: number; height: number } } = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'zapie-chromium-'))
  const context: BrowserContext = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: options.viewport ?? { width: 1000, height: 700 },
  })
  return {
    context,
    close: async () => {
      await context.close().catch(() => {})
      rmSync(profile, { recursive: true, force: true })
    },
  }
}

/**
 * A new page of `context` that records into `problems` every uncaught script error and, unless
 * turned off, every console error other than a failed resource load and (with `csp`) every
 * Content-Security-Policy violation: a dashboard test fails on any of them.
 */
export async function watchedPage(
  context: BrowserContext,
  problems: string[],
  options: { consoleErrors?: boolean; csp?: boolean } = {},
): Promise<Page> {
  const page = await context.newPage()
  page.setDefaultTimeout(15_000)
  if (options.consoleErrors !== false)
    page.on('console', (m) => {
      if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) problems.push(m.text())
    })
  page.on('pageerror', (e) => problems.push(String(e)))
  if (options.csp)
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) =>
        console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`),
      )
    })
  return page
}

/** Opens the dashboard at `url` and signs in with `token` on its sign-in screen. */
export async function signIn(page: Page, url: string, token: string, options: { waitForServices?: boolean } = {}) {
  await page.goto(`${url}/`)
  await page.getByLabel('API token').fill(token)
  await page.getByRole('button', { name: 'Sign in' }).click()
  if (options.waitForServices !== false) await page.getByRole('heading', { name: 'Services' }).waitFor()
}
