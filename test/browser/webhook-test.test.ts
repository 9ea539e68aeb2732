import http from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TEST_TOKEN } from '../helpers/app'
import { launchBrowser, signIn, watchedPage } from '../helpers/browser'
import { FAST } from '../helpers/monitor'
import { appWithRealAgent } from '../helpers/real-agent'
import { listen } from '../helpers/targets'

/**
 * The webhook "Send test" button in a real Chromium, against the real API and agent, with a
 * real receiver on 127.0.0.1 (the opt-in lets alerts reach it, as on a home network).
 */
describe('the webhook "Send test" button in a real browser', () => {
  let ctx: Awaited<ReturnType<typeof appWithRealAgent>>
  let server: Awaited<ReturnType<typeof listen>>
  let browser: Awaited<ReturnType<typeof launchBrowser>>
  let page: Page
  let receiver: http.Server
  let hookUrl: string
  const got: { path: string; body: Record<string, unknown> }[] = []
  let answer = 204
  const problems: string[] = []

  beforeAll(async () => {
    receiver = http.createServer((req, res) => {
      let data = ''
      req.on('data', (c) => (data += c))
      req.on('end', () => {
        got.push({ path: req.url ?? '', body: JSON.parse(data || '{}') })
        res.writeHead(answer).end()
      })
    })
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r))
    hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/T0/B0/s3cr3t`
    ctx = await appWithRealAgent('in-process', { env: { ZAPIE_WEBHOOK_ALLOW_PRIVATE: '127.0.0.1/32' }, monitor: FAST })
    server = await listen(ctx.app)
    browser = await launchBrowser()
    page = await watchedPage(browser.context, problems)
  })

  afterAll(async () => {
    await browser?.close()
    await server?.close()
    await ctx?.close()
    await new Promise<void>((r) => {
      receiver?.closeAllConnections()
      receiver ? receiver.close(() => r()) : r()
    })
  })

  const result = () => page.getByTestId('webhook-test-result')
  const button = () => page.getByRole('button', { name: /Send test|Sending test/ })

  it('signs in and opens the alerts page with the button beside the webhook settings', async () => {
    await signIn(page, server.url, TEST_TOKEN)
    await page.getByRole('link', { name: 'Alerts', exact: true }).click()
    await page.getByRole('heading', { name: 'Webhook', exact: true }).waitFor()
    await button().waitFor()
    expect(await button().getAttribute('aria-describedby')).toBe('webhook-test-help')
    expect(await result().getAttribute('aria-live')).toBe('polite')
  })

  it('shows "Delivered" for a URL typed but not saved, sent by keyboard', async () => {
    await page.getByLabel('Webhook URL (http or https)').fill(hookUrl)
    await button().focus()
    await page.keyboard.press('Enter')
    await expect
      .poll(() => result().textContent())
      .toMatch(/^Delivered: http:\/\/127\.0\.0\.1:\d+\/… answered HTTP 204 in \d+ ms$/)
    expect(await result().getAttribute('data-outcome')).toBe('delivered')
    expect(got).toHaveLength(1)
    expect(got[0]).toMatchObject({ path: '/hooks/T0/B0/s3cr3t', body: { test: true, alert: { rule: 'webhook_test' } } })
    // The secret part of the URL is nowhere on the page but in the field the user typed it in.
    expect(await page.locator('main').textContent()).not.toContain('s3cr3t')
    // Nothing was saved by testing.
    await expect.poll(() => page.getByText('No webhook: alerts show here only.').count()).toBe(1)
  })

  it('says to wait when tested again at once, then shows why a failing receiver did not take it', async () => {
    answer = 500
    await button().click()
    await expect.poll(() => result().textContent()).toMatch(/^Not sent: A webhook test just ran; wait \d s/)
    expect(await result().getAttribute('class')).toContain('error')
    expect(got).toHaveLength(1)
    // The cooldown is 3 s: the next test goes through and the receiver's 500 is reported.
    await page.waitForTimeout(3200)
    await button().click()
    await expect
      .poll(() => result().textContent())
      .toMatch(/^Not delivered: http:\/\/127\.0\.0\.1:\d+\/… answered HTTP 500$/)
    expect(await result().getAttribute('data-outcome')).toBe('failed')
    expect(got).toHaveLength(2)
  })

  it('shows a refused destination next to the button without sending anything', async () => {
    await page.getByLabel('Webhook URL (http or https)').fill('http://169.254.169.254/latest/meta-data/')
    await button().click()
    await expect.poll(() => result().textContent()).toMatch(/^Not sent: Alert webhook destination refused: .*metadata/)
    expect(got).toHaveLength(2)
    expect(problems).toEqual([])
  })
})
