import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:http'
import { fileURLToPath } from 'node:url'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { auth, TEST_TOKEN } from '../helpers/app'
import { launchBrowser, watchedPage } from '../helpers/browser'
import {
  cleanupTestResources,
  createTestContainer,
  createTestVolume,
  DEPLOY_RUN_LABEL,
  dockerCli,
  RUN_ID,
  TEST_IMAGE,
} from '../helpers/docker'
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
  const templateName = `Busybox ${RUN_ID}`
  const deployedName = `ui${RUN_ID.slice(-8)}`
  const services: string[] = []

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'zapie-ui-'))
    ctx = await appWithRealAgent('in-process', { dataDir, monitor: FAST })
    server = await listen(ctx.app)
    // Busy enough to chart and to log; a volume so it can be backed up; stops at once on SIGTERM.
    const cmd = [
      'sh',
      '-c',
      'trap "exit 0" TERM; echo hello > /data/greeting; while true; do echo "hi from zapie $(date +%s)"; sleep 1; done',
    ]
    for (let i = 0; i < 2; i++) {
      const volume = { name: await createTestVolume(), path: '/data' }
      services.push((await createTestContainer({ cmd, volume })).name)
    }
    // A busybox template that logs once a second, with no network and a generated secret.
    const res = await ctx.app.request('/api/templates', {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: templateName,
        description: 'Says hi once a second',
        category: 'other',
        image: TEST_IMAGE,
        networkMode: 'none',
        command: ['sh', '-c', 'trap "exit 0" TERM; while true; do echo hi; sleep 1; done'],
        env: [{ name: 'APP_SECRET', label: 'App secret', secret: true, generate: 'password' }],
        volumes: [{ container: '/srv/data' }],
        labels: { [DEPLOY_RUN_LABEL]: RUN_ID },
        tiers: { basic: { memory: '64m', cpus: 0.25 } },
      }),
    })
    expect(res.status, await res.clone().text()).toBe(201)
    browser = await launchBrowser()
    // Any CSP violation or script error fails the run: the page must work under its own policy.
    page = await watchedPage(browser.context, problems, { csp: true })
  })

  afterAll(async () => {
    await browser?.close()
    await server?.close()
    await ctx?.close()
    await cleanupTestResources()
    rmSync(dataDir, { recursive: true, force: true })
  })

  /**
   * The README's screenshots come from this test: ZAPIE_SCREENSHOTS=docs writes them there (kept
   * small: 1000x700 PNG); otherwise they go to a temporary directory, so a run changes no file.
   */
  const shoot = async (name: string) => {
    const dir = process.env.ZAPIE_SCREENSHOTS ?? dataDir
    const buffer = await page.screenshot({ path: join(dir, `${name}.png`) })
    expect(buffer.length).toBeGreaterThan(5000)
  }

  const row = (serviceId: string) => page.locator(`tr[data-service="${serviceId}"]`)

  it('says so when the token is wrong, and signs in with the right one', async () => {
    await page.goto(`${server.url}/`)
    await page.getByLabel('API token').fill('not-the-token-at-all')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('not valid')
    // By keyboard: the field is labelled and Enter submits.
    await page.getByLabel('API token').fill('')
    await page.getByLabel('API token').focus()
    await page.keyboard.type(TEST_TOKEN)
    await page.keyboard.press('Enter')
    await page.getByRole('heading', { name: 'Services' }).waitFor()
    // The token is nowhere the page's scripts can read it back.
    const stored = await page.evaluate(
      () => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + document.cookie,
    )
    expect(stored).not.toContain(TEST_TOKEN)
  })

  it('lists every managed service with its state, and keeps the session across a reload', async () => {
    await page.reload()
    for (const id of services) await row(id).waitFor()
    await expect.poll(() => row(services[0]!).locator('[data-col="state"]').textContent()).toBe('running')
    await page.getByTestId('live-status').filter({ hasText: 'Live' }).waitFor()
  })

  it('deploys a template: progress live, the generated secret shown once, then the new service', async () => {
    await page.getByRole('link', { name: 'Deploy', exact: true }).click()
    await page.getByLabel('Search templates').fill(RUN_ID)
    await page.getByRole('link', { name: `Deploy ${templateName}` }).click()
    await page.getByLabel('Service name').fill(deployedName)
    await page.getByRole('button', { name: 'Deploy', exact: true }).click()
    const progress = page.getByTestId('deploy-progress')
    await progress.getByText('Started zapie-').waitFor({ timeout: 30_000 })
    const secret = await progress.locator('[data-secret="APP_SECRET"]').textContent()
    expect(secret!.length).toBeGreaterThanOrEqual(16)
    await progress.getByRole('link', { name: 'Open the service' }).click()
    await page.getByRole('heading', { name: new RegExp(deployedName) }).waitFor()
    // The service page shows the secret redacted, never its value.
    await page.getByTestId('service-env').waitFor()
    expect(await page.getByTestId('service-env').textContent()).not.toContain(secret)
    await page.getByRole('link', { name: '← Services' }).click()
    await page.locator('tr[data-service]').filter({ hasText: deployedName }).waitFor()
  })

  it('shows a service stopped with the docker CLI without a reload', async () => {
    await dockerCli('stop', '-t', '1', services[0]!)
    await expect
      .poll(() => row(services[0]!).locator('[data-col="state"]').textContent(), { timeout: 5000 })
      .toBe('exited')
    await dockerCli('start', services[0]!)
    await expect
      .poll(() => row(services[0]!).locator('[data-col="state"]').textContent(), { timeout: 5000 })
      .toBe('running')
  })

  it('filters by status and by search', async () => {
    await page.getByLabel('Search services').fill(services[1]!)
    await expect.poll(() => page.locator('tbody tr[data-service]').count()).toBe(1)
    await page.getByLabel('Search services').fill('')
    await page.getByLabel('Filter by status').selectOption('stopped')
    await expect.poll(() => row(services[0]!).count()).toBe(0)
    await page.getByLabel('Filter by status').selectOption('all')
  })

  it('opens a service page: details, live logs that pause and search, and its charts', async () => {
    await row(services[0]!).getByRole('link').click()
    await page.getByRole('heading', { name: services[0]! }).waitFor()
    await page.getByTestId('logs').filter({ hasText: 'hi from zapie' }).waitFor()
    await page.getByRole('button', { name: 'Pause' }).click()
    await page.getByTestId('logs-state').filter({ hasText: 'paused' }).waitFor()
    await page.getByRole('button', { name: 'Resume' }).click()
    await page.getByLabel('Search logs').fill('no such words anywhere')
    await page.getByTestId('logs').filter({ hasText: 'No line matches.' }).waitFor()
    await page.getByLabel('Search logs').fill('')
    // The monitor samples every 500 ms in this test: the CPU chart gets a line on the 1h range.
    await expect
      .poll(() => page.locator('[data-chart="CPU"] path.line').getAttribute('d'), { timeout: 15_000 })
      .toMatch(/^M.*L/)
    for (const title of ['Memory', 'Network', 'Block I/O']) await page.locator(`[data-chart="${title}"]`).waitFor()
    // Longer ranges are bucketed: the page says so and draws the min–max band.
    await page.locator('#analytics-title').scrollIntoViewIfNeeded()
    await shoot('service')
    await page.getByRole('group', { name: 'Time range' }).getByRole('button', { name: '24h' }).click()
    await page.getByText('the shaded band spans').waitFor()
  })

  it('backs the service up with a progress bar, and restores it after a confirmation that says what will happen', async () => {
    // Markup as the template tests use it: a backup name is shown as text, never as HTML.
    const hostile = '<img src=x onerror=alert(1)><b>nightly</b>'
    await page.getByLabel('Backup name').fill(hostile)
    await page.getByRole('button', { name: 'Back up now' }).click()
    await page.getByTestId('create-progress').waitFor()
    const line = page.locator('tr[data-backup]').filter({ hasText: hostile })
    await line.waitFor({ timeout: 60_000 })
    expect(await page.locator('tr[data-backup] img, tr[data-backup] b').count()).toBe(0)
    await dockerCli('exec', services[0]!, 'sh', '-c', 'echo changed > /data/greeting')
    await line.getByRole('button', { name: 'Restore…' }).click()
    const dialog = page.getByRole('alertdialog', { name: 'Confirm restore' })
    expect(await dialog.textContent()).toContain('current data is replaced')
    await dialog.getByRole('button', { name: 'Restore now' }).click()
    await line.getByRole('status').filter({ hasText: 'Restored into' }).waitFor({ timeout: 60_000 })
    expect(await dockerCli('exec', services[0]!, 'cat', '/data/greeting')).toBe('hello')
  }, 150_000)

  it('restarts two services at once with per-item results', async () => {
    await page.getByRole('link', { name: 'Services', exact: true }).click()
    for (const id of services) await row(id).getByRole('checkbox').check()
    const before = await Promise.all(
      services.map(async (id) => JSON.parse(await dockerCli('inspect', '-f', '{{json .State.StartedAt}}', id))),
    )
    const panel = page.getByRole('region', { name: 'Bulk operations' })
    await panel.getByRole('button', { name: 'Restart' }).click()
    await panel.getByText('2 of 2 done').waitFor({ timeout: 30_000 })
    for (const id of services)
      expect(await panel.locator(`[data-bulk-item="${id}"]`).textContent()).toContain('completed')
    const after = await Promise.all(
      services.map(async (id) => JSON.parse(await dockerCli('inspect', '-f', '{{json .State.StartedAt}}', id))),
    )
    for (const [i, started] of after.entries()) expect(started).not.toBe(before[i])
    await page.getByLabel('Search services').fill(RUN_ID)
    await shoot('overview')
    await page.getByLabel('Search services').fill('')
    await panel.getByRole('button', { name: 'Clear selection' }).click()
  })

  it('notifies live when an alert fires and when it resolves, and lists it on the alerts page', async () => {
    await page.getByRole('link', { name: 'Alerts', exact: true }).click()
    await page.getByRole('heading', { name: 'Global thresholds' }).waitFor()
    // Killed, not stopped: the monitor takes it as a failure, not as a deliberate stop.
    await dockerCli('kill', services[1]!)
    const toast = page.locator('.toast').filter({ hasText: services[1]! })
    await toast.first().waitFor({ timeout: 20_000 })
    await page.getByTestId('alert-list').first().filter({ hasText: services[1]! }).waitFor({ timeout: 10_000 })
    await dockerCli('start', services[1]!)
    await page.locator('.toast').filter({ hasText: 'Resolved' }).first().waitFor({ timeout: 20_000 })
  })

  it('validates a template as it is typed, field by field, and shows markup as text', async () => {
    await page.getByRole('link', { name: 'Templates', exact: true }).click()
    await page.getByRole('button', { name: 'New template' }).click()
    const editor = page.getByRole('form', { name: 'New template' })
    await editor.getByLabel('Name').fill('<b>Web</b><img src=x onerror=alert(1)>')
    await editor.locator('[data-issues="tpl-image-issues"]').filter({ hasText: 'required' }).waitFor()
    expect(await editor.getByRole('button', { name: 'Create template' }).isDisabled()).toBe(true)
    await editor.getByLabel('Image').fill('nginx:1.27')
    await editor
      .getByTestId('validation-summary')
      .filter({ hasText: /^Valid/ })
      .waitFor()
    // The markup is a warning beside the name (it will be stored as plain text), never rendered.
    await editor.locator('[data-issues="tpl-name-issues"] .warning').first().waitFor()
    expect(await page.locator('form img, form b').count()).toBe(0)
    await editor.getByRole('button', { name: 'Create template' }).click()
    await page.getByLabel('Search templates').fill('Web')
    await page.locator('.template-name', { hasText: /^Web$/ }).first().waitFor()
    expect(await page.locator('ul.cards img[src="x"], ul.cards b').count()).toBe(0)
    await page.getByLabel('Search templates').fill('')
  })

  it('imports the Portainer corpus and shows what was imported, skipped and failed, with reasons', async () => {
    await page.getByText('Import templates').click()
    const corpus = fileURLToPath(new URL('../fixtures/portainer-templates/templates-v2.json', import.meta.url))
    await page.getByLabel('Template file (Portainer v2/v3 or a ZapieRakyat export)').setInputFiles(corpus)
    await page.getByRole('button', { name: 'Import', exact: true }).click()
    const report = page.getByTestId('import-report')
    await report.waitFor({ timeout: 30_000 })
    const text = (await report.textContent())!
    expect(text).toContain('Imported 229')
    expect(text).toContain('failed 33')
    expect(text).toMatch(/Skipped \(189\)/)
    expect(text).toContain('Compose stack templates are not imported')
    expect(text).toContain('a template of that name exists; import with overwrite to replace it (4:')
    expect(text).toContain('Watchtower: volumes.0.bind: Mounting the Docker socket')
  })

  it('shows the host: CPU, memory, disks and Docker', async () => {
    await page.getByRole('link', { name: 'System', exact: true }).click()
    const docker = page.getByTestId('docker-facts')
    await docker.waitFor()
    expect(await docker.textContent()).toMatch(/Version\s*\d+\.\d+/)
    await page.getByRole('heading', { name: "Docker's data" }).waitFor()
  })

  it('refuses a change another site makes the signed-in browser send, and one without the CSRF token', async () => {
    // Another origin on the same host (the same site, so the Lax cookie does go along).
    const target = `${server.url}/api/services/${services[0]}/stop`
    const attacker = createServer((_, res) => {
      res.setHeader('content-type', 'text/html')
      res.end(
        `<form method="POST" action="${target}"><input name="x" value="1"></form><script>document.forms[0].submit()</script>`,
      )
    })
    await new Promise<void>((r) => attacker.listen(0, '127.0.0.1', r))
    const evil = await browser.context.newPage()
    try {
      await evil.goto(`http://127.0.0.1:${(attacker.address() as { port: number }).port}/`)
      await evil.waitForURL(target)
      expect(await evil.textContent('body')).toContain('csrf_failed')
    } finally {
      await evil.close()
      attacker.close()
    }
    // The dashboard's own origin, but a script that does not send the token: refused too.
    const status = await page.evaluate((url) => fetch(url, { method: 'POST' }).then((r) => r.status), target)
    expect(status).toBe(403)
    expect(await dockerCli('inspect', '-f', '{{.State.Running}}', services[0]!)).toBe('true')
  })

  it('is readable at 360 px: nothing wider than the screen', async () => {
    await page.setViewportSize({ width: 360, height: 740 })
    for (const screen of ['', `services/${services[0]}`, 'deploy', 'backups', 'alerts', 'system']) {
      await page.goto(`${server.url}/#/${screen}`)
      await page.locator('main h1').first().waitFor()
      const width = await page.evaluate(() => document.documentElement.scrollWidth)
      expect(width, screen || 'overview').toBeLessThanOrEqual(360)
    }
    await page.setViewportSize({ width: 1000, height: 700 })
  })

  it('signs out, and a signed-out page is back at the sign-in screen', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.getByLabel('API token').waitFor()
    await page.reload()
    await page.getByLabel('API token').waitFor()
  })

  it('says so plainly when the server cannot be reached, and recovers with "Try again"', async () => {
    await page.route('**/api/session', (route) => route.abort('connectionrefused'))
    await page.reload()
    await page.getByRole('heading', { name: 'Cannot reach ZapieRakyat' }).waitFor()
    expect(await page.getByRole('alert').textContent()).toContain('cannot be reached')
    await page.unroute('**/api/session')
    await page.getByRole('button', { name: 'Try again' }).click()
    await page.getByLabel('API token').waitFor()
    // The aborted requests were ours, on purpose: they are not problems of the page.
    problems.splice(0, problems.length, ...problems.filter((p) => !/ERR_CONNECTION_REFUSED|Failed to fetch/.test(p)))
  })

  it('ran without a script error or a CSP violation', () => {
    expect(problems).toEqual([])
  })
})
