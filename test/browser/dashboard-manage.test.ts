import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { auth, TEST_TOKEN } from '../helpers/app'
import { launchBrowser, signIn, watchedPage } from '../helpers/browser'
import { cleanupTestResources, DEPLOY_RUN_LABEL, dockerCli, RUN_ID, run, TEST_IMAGE } from '../helpers/docker'
import { craftArchive } from '../helpers/hostile-archive'
import { FAST } from '../helpers/monitor'
import { appWithRealAgent } from '../helpers/real-agent'
import { listen } from '../helpers/targets'

/**
 * The dashboard's management screens end to end (real Chromium, real server, real agent and
 * engine): thresholds, backup download / upload / schedule / storage, restore into a new service,
 * delete with or without its data, template clone / edit / export / delete, every chart range,
 * the service page's start / stop / restart, bulk stop / start / back up / delete, categories, the host.
 * One page walks through them in order; services are deployed once, in `beforeAll`.
 */
describe('managing services, backups and templates in a real browser', () => {
  let ctx: Awaited<ReturnType<typeof appWithRealAgent>>
  let server: Awaited<ReturnType<typeof listen>>
  let browser: Awaited<ReturnType<typeof launchBrowser>>
  let page: Page
  let dataDir: string
  const problems: string[] = []
  const templateName = `Keeper ${RUN_ID}`
  const short = RUN_ID.slice(-8)
  /** Deployed from the template: `main` carries the page; the others are deleted on the way. */
  const svc = { main: '', kept: '', gone: '', bulka: '', bulkb: '' }
  let keptBackup = ''
  let templateId = ''

  const api = (path: string, init: RequestInit = {}) =>
    ctx.app.request(path, {
      ...init,
      headers: { ...auth, 'content-type': 'application/json', ...(init.headers as Record<string, string>) },
    })
  const volumeOf = async (container: string) =>
    JSON.parse(await dockerCli('inspect', '-f', '{{json .Mounts}}', container)).find(
      (m: { Destination: string }) => m.Destination === '/srv/data',
    ).Name as string
  const volumeExists = (name: string) =>
    dockerCli('volume', 'inspect', name).then(
      () => true,
      () => false,
    )
  const running = (container: string) => dockerCli('inspect', '-f', '{{.State.Running}}', container)
  const startedAt = (container: string) => dockerCli('inspect', '-f', '{{.State.StartedAt}}', container)
  /** Switches screen in place, as the links do; the screen left behind must be gone for good. */
  const open = async (screen: string) => {
    await page.goto(`${server.url}/#/${screen}`)
    await page.locator('main h1').first().waitFor()
    expect(await page.locator('main > *').count(), `only ${screen || 'the overview'} is shown`).toBe(1)
  }

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'zapie-ui-manage-'))
    ctx = await appWithRealAgent('in-process', { dataDir, monitor: FAST })
    server = await listen(ctx.app)
    const made = await api('/api/templates', {
      method: 'POST',
      body: JSON.stringify({
        name: templateName,
        description: 'Keeps a file',
        category: 'other',
        image: TEST_IMAGE,
        networkMode: 'none',
        command: ['sh', '-c', 'trap "exit 0" TERM; echo kept > /srv/data/file; while true; do sleep 1; done'],
        volumes: [{ container: '/srv/data' }],
        labels: { [DEPLOY_RUN_LABEL]: RUN_ID },
        tiers: { basic: { memory: '64m', cpus: 0.25 } },
      }),
    })
    expect(made.status, await made.clone().text()).toBe(201)
    const { template } = await made.json()
    templateId = template.id
    for (const key of Object.keys(svc) as (keyof typeof svc)[]) {
      const res = await api('/api/deploy?wait=true', {
        method: 'POST',
        body: JSON.stringify({ templateId: template.id, serviceName: `${key}${short}`, tier: 'basic' }),
      })
      expect(res.status, await res.clone().text()).toBe(201)
      svc[key] = (await res.json()).containerName
    }
    browser = await launchBrowser()
    page = await watchedPage(browser.context, problems, { csp: true })
    await signIn(page, server.url, TEST_TOKEN)
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    await server?.close()
    await ctx?.close()
    await cleanupTestResources()
    rmSync(dataDir, { recursive: true, force: true })
  })

  it("overrides a service's thresholds, keeps them across a reload, and shows a bad value's error beside it", async () => {
    await open(`services/${svc.main}`)
    const form = page.locator('form', { has: page.getByLabel('CPU warning at (%)') })
    await page.getByText('This service follows the global thresholds.').waitFor()
    // Lowered below the level at which it clears: the API refuses, and says so beside that field.
    await form.getByLabel('CPU warning at (%)').fill('55')
    await form.getByRole('button', { name: 'Save thresholds' }).click()
    await page
      .locator('[id="svc-cpu.warningClear-error"]')
      .filter({ hasText: /below cpu\.warning/ })
      .waitFor()
    expect(await form.getByLabel('CPU warning clears below (%)').getAttribute('aria-invalid')).toBe('true')
    await form.getByLabel('CPU warning clears below (%)').fill('50')
    await form.getByLabel('Breaching samples before an alert fires').fill('4')
    await form.getByRole('button', { name: 'Save thresholds' }).click()
    await form.getByRole('status').filter({ hasText: 'Saved.' }).waitFor()
    expect(await form.locator('[aria-invalid="true"]').count()).toBe(0)
    await page.reload()
    await page.getByText('This service overrides some global thresholds.').waitFor()
    expect(await form.getByLabel('CPU warning at (%)').inputValue()).toBe('55')
    expect(await form.getByLabel('CPU warning clears below (%)').inputValue()).toBe('50')
    expect(await form.getByLabel('Breaching samples before an alert fires').inputValue()).toBe('4')

    await form.getByLabel('CPU warning at (%)').fill('150')
    await form.getByRole('button', { name: 'Save thresholds' }).click()
    const note = page.locator('[id="svc-cpu.warning-error"]')
    await note.filter({ hasText: /100/ }).waitFor()
    expect(await form.getByLabel('CPU warning at (%)').getAttribute('aria-invalid')).toBe('true')
    // Only the bad field is flagged, and nothing was stored.
    expect(await page.locator('[id="svc-cpu.critical-error"]').textContent()).toBe('')
    await page.reload()
    expect(await form.getByLabel('CPU warning at (%)').inputValue()).toBe('55')
  })

  it('edits the global thresholds, keeps them across a reload, and shows a bad value beside its field', async () => {
    await open('alerts')
    const form = page.locator('form', { has: page.locator('[id="global-cpu.warning"]') })
    await form.getByLabel('Memory critical at (%)').fill('97')
    await form.getByLabel('Memory critical clears below (%)').fill('92')
    await form.getByRole('button', { name: 'Save thresholds' }).click()
    await form.getByRole('status').filter({ hasText: 'Saved.' }).waitFor()
    await page.reload()
    expect(await form.getByLabel('Memory critical at (%)').inputValue()).toBe('97')
    expect(await form.getByLabel('Memory critical clears below (%)').inputValue()).toBe('92')
    await form.getByLabel('Restarts within the window').fill('0')
    await form.getByRole('button', { name: 'Save thresholds' }).click()
    await page.locator('[id="global-restarts.count-error"]').filter({ hasText: /1/ }).waitFor()
    expect(await form.getByLabel('Restarts within the window').getAttribute('aria-invalid')).toBe('true')
    await page.reload()
    expect(await form.getByLabel('Restarts within the window').inputValue()).not.toBe('0')
    // The service's own override still wins over the global value for what it overrides.
    const settings = await (await api(`/api/services/${svc.main}/alerts/thresholds`)).json()
    expect(settings.effective).toMatchObject({ cpu: { warning: 55 }, memory: { critical: 97 } })
  })

  it('stops, starts and restarts a service from its page, as the docker CLI confirms', async () => {
    await open(`services/${svc.main}`)
    const actions = page.locator('.card', { has: page.getByRole('button', { name: 'Delete…' }) }).first()
    await actions.getByRole('button', { name: 'Stop', exact: true }).click()
    await expect.poll(() => running(svc.main), { timeout: 20_000 }).toBe('false')
    await page.locator('.page-head').getByText('exited').waitFor()
    expect(await actions.getByRole('button', { name: 'Stop', exact: true }).isDisabled()).toBe(true)
    await actions.getByRole('button', { name: 'Start', exact: true }).click()
    await expect.poll(() => running(svc.main), { timeout: 20_000 }).toBe('true')
    await page.locator('.page-head').getByText('running').waitFor()
    const before = await startedAt(svc.main)
    await actions.getByRole('button', { name: 'Restart', exact: true }).click()
    await expect.poll(() => startedAt(svc.main), { timeout: 20_000 }).not.toBe(before)
    expect(await running(svc.main)).toBe('true')
  }, 60_000)

  it('stops, starts, backs up and deletes two services at once, with per-item results', async () => {
    await open('')
    const pair = [svc.bulka, svc.bulkb]
    for (const id of pair) await page.locator(`tr[data-service="${id}"]`).getByRole('checkbox').check()
    const panel = page.getByRole('region', { name: 'Bulk operations' })
    const bulk = async (button: string, check: () => Promise<void>) => {
      await panel.getByRole('button', { name: button, exact: true }).click()
      await check()
      await panel.getByText(/^2 of 2 done$/).waitFor({ timeout: 60_000 })
      for (const id of pair)
        expect(await panel.locator(`[data-bulk-item="${id}"]`).textContent()).toContain('completed')
    }
    await bulk('Stop', async () => {
      for (const id of pair) await expect.poll(() => running(id), { timeout: 30_000 }).toBe('false')
    })
    // The per-item results read as lines under the bar: no bullets, no indent.
    const list = await panel
      .locator('[data-bulk-item]')
      .first()
      .evaluate((li) => {
        const style = getComputedStyle(li.parentElement!)
        return { bullets: style.listStyleType, indent: style.paddingLeft, above: style.marginTop }
      })
    expect(list).toEqual({ bullets: 'none', indent: '0px', above: '6px' })
    for (const id of pair)
      await expect.poll(() => page.locator(`tr[data-service="${id}"] [data-col="state"]`).textContent()).toBe('exited')
    await bulk('Start', async () => {
      for (const id of pair) await expect.poll(() => running(id), { timeout: 30_000 }).toBe('true')
    })
    await bulk('Backup', async () => {
      for (const id of pair)
        await expect
          .poll(async () => (await (await api(`/api/services/${id}/backups`)).json()).backups.length, {
            timeout: 60_000,
          })
          .toBe(1)
    })
    await panel.getByRole('button', { name: 'Delete', exact: true }).click()
    const dialog = panel.getByRole('alertdialog', { name: 'Confirm bulk delete' })
    await dialog.getByRole('checkbox').uncheck()
    await dialog.getByRole('button', { name: 'Delete 2' }).click()
    for (const id of pair) {
      await expect.poll(() => dockerCli('ps', '-aq', '--filter', `name=^${id}$`), { timeout: 30_000 }).toBe('')
      await expect.poll(() => page.locator(`tr[data-service="${id}"]`).count()).toBe(0)
    }
  }, 180_000)

  let archive = ''
  it('backs up, shows the storage used, and downloads the archive as a gzip tar', async () => {
    await open(`services/${svc.main}`)
    await page.getByTestId('backup-storage').filter({ hasText: '0 backups' }).waitFor()
    await page.getByLabel('Backup name').fill('first')
    await page.getByRole('button', { name: 'Back up now' }).click()
    const line = page.locator('tr[data-backup]').filter({ hasText: 'first' })
    await line.waitFor({ timeout: 60_000 })
    await page
      .getByTestId('backup-storage')
      .filter({ hasText: /^1 backup, \d+(\.\d)? (B|KB)/ })
      .waitFor()
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      line.getByRole('link', { name: 'Download' }).click(),
    ])
    archive = join(dataDir, 'downloaded.tar.gz')
    await download.saveAs(archive)
    expect(download.suggestedFilename()).toMatch(/\.tar\.gz$/)
    const bytes = readFileSync(archive)
    expect([...bytes.subarray(0, 2)]).toEqual([0x1f, 0x8b])
    const { stdout } = await run('tar', ['-tzf', archive])
    expect(stdout).toMatch(/manifest\.json/)
    expect(stdout).toMatch(/volumes\/0\/file/)
  }, 90_000)

  it('uploads an archive with a progress bar, then lists it', async () => {
    const form = page.getByRole('form', { name: 'Upload a backup archive' })
    // A slow uplink, so the progress can be seen as a user on one would see it.
    const cdp = await browser.context.newCDPSession(page)
    await cdp.send('Network.enable')
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: Math.max(2048, Math.floor(readFileSync(archive).length / 3)),
    })
    const padded = join(dataDir, 'moved-here.tar.gz')
    writeFileSync(padded, readFileSync(archive))
    await form.getByLabel('Backup archive (.tar.gz, made by ZapieRakyat)').setInputFiles(padded)
    await form.getByRole('button', { name: 'Upload' }).click()
    await form
      .getByTestId('upload-progress')
      .filter({ hasText: /Uploading moved-here\.tar\.gz: \d+%/ })
      .waitFor()
    expect(Number(await form.getByRole('progressbar').getAttribute('aria-valuenow'))).toBeLessThan(100)
    await form.getByRole('status').filter({ hasText: 'Archive uploaded and stored as a backup' }).waitFor({
      timeout: 60_000,
    })
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: -1,
    })
    await cdp.detach()
    await page.locator('tr[data-backup]').filter({ hasText: 'moved-here' }).waitFor()
    expect(await form.getByTestId('upload-progress').count()).toBe(0)
  }, 90_000)

  it("shows the server's refusal of a garbage or hostile upload next to the upload control", async () => {
    const form = page.getByRole('form', { name: 'Upload a backup archive' })
    const field = form.getByLabel('Backup archive (.tar.gz, made by ZapieRakyat)')
    const garbage = join(dataDir, 'garbage.tar.gz')
    writeFileSync(garbage, randomBytes(4096))
    await field.setInputFiles(garbage)
    await form.getByRole('button', { name: 'Upload' }).click()
    const error = form.locator('#upload-archive-error [role="alert"]')
    await error.waitFor({ timeout: 30_000 })
    expect(await error.textContent()).toMatch(/archive|gzip/i)
    expect(await field.getAttribute('aria-invalid')).toBe('true')

    // A symlink out of the volume and a file written through it, with markup in its names.
    const hostile = join(dataDir, 'hostile.tar.gz')
    writeFileSync(
      hostile,
      await craftArchive([
        { name: 'volumes/0/', type: 'directory' },
        { name: 'volumes/0/s', type: 'symlink', linkname: '/tmp' },
        { name: 'volumes/0/s/<img src=x onerror=alert(1)>.txt', body: 'where does this go?' },
      ]),
    )
    await field.setInputFiles(hostile)
    await form.getByLabel('Restore it into this service right away').check()
    await form.getByRole('button', { name: 'Upload' }).click()
    await error.filter({ hasText: /symlink/ }).waitFor({ timeout: 30_000 })
    expect(await page.locator('form img').count()).toBe(0)
    expect(await dockerCli('exec', svc.main, 'cat', '/srv/data/file')).toBe('kept')
    expect(await page.locator('tr[data-backup]').count()).toBe(2)
  }, 90_000)

  it('edits the schedule and retention, keeps them across a reload, and shows a bad cron beside its field', async () => {
    const form = page.getByRole('form', { name: 'Backup schedule' })
    await form.getByText('No schedule: backups are made only by hand.').waitFor()
    await form.getByLabel(/^When \(cron/).fill('*/30 * * * *')
    await form.getByLabel('Keep at most (backups)').fill('3')
    await form.getByLabel('Delete after (days)').fill('7')
    await form.getByRole('button', { name: 'Save schedule' }).click()
    await form.getByRole('status').filter({ hasText: 'Schedule saved.' }).waitFor()
    await page.reload()
    await form.getByText(/^Next run: /).waitFor()
    expect(await form.getByLabel(/^When \(cron/).inputValue()).toBe('*/30 * * * *')
    expect(await form.getByLabel('Keep at most (backups)').inputValue()).toBe('3')
    expect(await form.getByLabel('Delete after (days)').inputValue()).toBe('7')

    await form.getByLabel(/^When \(cron/).fill('every tuesday at noon')
    await form.getByRole('button', { name: 'Save schedule' }).click()
    await page.locator('#schedule-cron-error .error').waitFor()
    expect(await form.getByLabel(/^When \(cron/).getAttribute('aria-invalid')).toBe('true')
    expect(await page.locator('#schedule-keepLast-error').textContent()).toBe('')
    await page.reload()
    expect(await form.getByLabel(/^When \(cron/).inputValue()).toBe('*/30 * * * *')
  })

  it('deletes a service with its data, and another keeping its data, as the docker CLI confirms', async () => {
    const made = await api(`/api/services/${svc.kept}/backups?wait=true`, {
      method: 'POST',
      body: JSON.stringify({ name: 'last words' }),
    })
    expect(made.status, await made.clone().text()).toBe(201)
    keptBackup = (await made.json()).backup.id
    for (const [name, keep] of [
      [svc.gone, false],
      [svc.kept, true],
    ] as const) {
      const volume = await volumeOf(name)
      await open(`services/${name}`)
      await page.getByRole('button', { name: 'Delete…' }).first().click()
      const dialog = page.getByRole('alertdialog', { name: 'Confirm delete' })
      await dialog.getByRole('checkbox').setChecked(keep)
      await dialog.getByRole('button', { name: keep ? 'Delete, keep data' : 'Delete with its data' }).click()
      await page.getByRole('heading', { name: 'Services' }).waitFor()
      await expect.poll(() => page.locator(`tr[data-service="${name}"]`).count()).toBe(0)
      expect(await dockerCli('ps', '-aq', '--filter', `name=^${name}$`)).toBe('')
      expect(await volumeExists(volume), `${name}'s volume kept`).toBe(keep)
    }
  }, 90_000)

  it("restores a deleted service's backup into a new service from the all-backups page, and lands on it", async () => {
    await open('backups')
    const line = page.locator(`tr[data-backup="${keptBackup}"]`)
    await line.getByText('service deleted').waitFor()
    await page
      .getByTestId('backups-total')
      .filter({ hasText: /^\d+ backups, \d+(\.\d)? (B|KB|MB) in all · backup disk: .* used, .* free of / })
      .waitFor()
    expect(await line.getByRole('button', { name: 'Restore…' }).count()).toBe(0)
    await line.getByRole('button', { name: 'Restore as new…' }).click()
    const form = line.getByRole('form', { name: 'Restore into a new service' })
    await form.getByLabel('Name of the new service').fill(`back${short}`)
    await form.getByRole('button', { name: 'Restore into new service' }).click()
    await page.getByRole('heading', { name: new RegExp(`back${short}`) }).waitFor({ timeout: 60_000 })
    const container = await page.locator('#service-title').textContent()
    expect(await dockerCli('exec', container!, 'cat', '/srv/data/file')).toBe('kept')
  }, 90_000)

  it('clones, edits, exports and deletes a template', async () => {
    await open('templates')
    await page.getByLabel('Search templates').fill(RUN_ID)
    await page.getByRole('button', { name: `Clone ${templateName}`, exact: true }).click()
    const copy = `${templateName} (copy)`
    await page.getByRole('button', { name: `Edit ${copy}` }).waitFor()

    await page.getByRole('button', { name: `Edit ${copy}` }).click()
    const editor = page.getByRole('form', { name: `Edit ${copy}` })
    expect(await editor.getByLabel('Image').inputValue()).toBe(TEST_IMAGE)
    await editor.getByLabel('Description').fill('Edited in the browser <b>bold?</b>')
    await editor
      .getByTestId('validation-summary')
      .filter({ hasText: /^Valid/ })
      .waitFor()
    await editor.getByRole('button', { name: 'Save changes' }).click()
    await editor.waitFor({ state: 'detached' })
    await page
      .locator('ul.cards li', { hasText: copy })
      .getByText(/^Edited in the browser/)
      .waitFor()
    expect(await page.locator('ul.cards b').count()).toBe(0)

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: `Export ${copy}` }).click(),
    ])
    const exported = JSON.parse(readFileSync((await download.path())!, 'utf8'))
    expect(JSON.stringify(exported)).toContain('Edited in the browser')
    expect(JSON.stringify(exported)).toContain(copy)

    await page.getByRole('button', { name: `Delete ${copy}` }).click()
    const dialog = page.getByRole('alertdialog', { name: 'Confirm template delete' })
    await dialog.getByRole('button', { name: 'Delete template' }).click()
    await expect.poll(() => page.getByRole('button', { name: `Edit ${copy}` }).count()).toBe(0)
    await page.getByRole('button', { name: `Edit ${templateName}`, exact: true }).waitFor()
    const listed = await (await api('/api/templates')).json()
    expect(JSON.stringify(listed)).not.toContain(copy)
  })

  it('filters the catalogue by category, and says so when nothing matches', async () => {
    await open('templates')
    await page.getByLabel('Search templates').fill(RUN_ID)
    const categories = page.getByRole('group', { name: 'Category' })
    await categories.getByRole('button', { name: 'other', exact: true }).click()
    await page.getByRole('button', { name: `Edit ${templateName}`, exact: true }).waitFor()
    await categories.getByRole('button', { name: 'database', exact: true }).click()
    await page.getByText('No template matches.').waitFor()
    expect(await page.locator('ul.cards li').count()).toBe(0)
    await categories.getByRole('button', { name: 'all', exact: true }).click()
    await page.getByRole('button', { name: `Edit ${templateName}`, exact: true }).waitFor()
  })

  it("shows the host: CPU and load, memory, Docker's and the backups' disks, Docker's counts", async () => {
    await open('system')
    const card = (title: string) => page.locator('.card', { has: page.getByRole('heading', { name: title }) })
    expect(await card('CPU').textContent()).toMatch(/of \d+ cores · load \d+\.\d\d \/ \d+\.\d\d \/ \d+\.\d\d/)
    expect(await card('Memory').textContent()).toMatch(/used of \d+(\.\d)? GB/)
    const backups = await card('Backups').textContent()
    expect(backups).toContain(join(dataDir, 'backups'))
    expect(backups).toMatch(/used of .* free/)
    expect(await card("Docker's data").textContent()).toMatch(/used of .* free/)
    const managed = (await (await api('/api/services')).json()).services.length
    expect(await page.getByTestId('docker-facts').textContent()).toContain(`Managed by ZapieRakyat${managed}`)
  })

  it("shows the server's verdict on a service name beside the name field of the deploy form", async () => {
    await open(`deploy/${templateId}`)
    await page.getByLabel('Service name').fill('!!!')
    await page.getByRole('button', { name: 'Deploy', exact: true }).click()
    await page.locator('#serviceName-error').filter({ hasText: 'needs at least one letter or digit' }).waitFor()
    expect(await page.getByLabel('Service name').getAttribute('aria-invalid')).toBe('true')
    expect(await page.getByTestId('deploy-progress').count()).toBe(0)
  })

  it('charts every range: 1h as a line, 6h to 30d as average lines with min–max bands', async () => {
    await open(`services/${svc.main}`)
    const ranges = page.getByRole('group', { name: 'Time range' })
    const cpu = page.locator('[data-chart="CPU"]')
    await expect.poll(() => cpu.locator('path.line').getAttribute('d'), { timeout: 15_000 }).toMatch(/^M.*L/)
    for (const range of ['6h', '24h', '7d', '30d']) {
      await ranges.getByRole('button', { name: range }).click()
      expect(await ranges.getByRole('button', { name: range }).getAttribute('aria-pressed')).toBe('true')
      await page.getByText('the shaded band spans').waitFor()
      await expect.poll(() => cpu.locator('path.band').getAttribute('d'), { timeout: 10_000 }).toMatch(/^M.*Z$/)
      expect(await cpu.locator('path.line').getAttribute('d')).toMatch(/^M.*L/)
      expect(await cpu.locator('figcaption').textContent()).toMatch(
        /CPU avg: \d+\.\d%\s*\(min \d+\.\d%, max \d+\.\d%\)/,
      )
    }
    await ranges.getByRole('button', { name: '1h' }).click()
    await expect.poll(() => page.getByText('the shaded band spans').count()).toBe(0)
  })

  it('ran without a script error or a CSP violation', () => {
    expect(problems).toEqual([])
  })
})
