/**
 * The browser side of the end-to-end tests: the whole platform started as `prodgy start` on a fresh data folder,
 * with the Web app built if its sources changed, and Debian's Chromium driven by playwright-core.
 */
import { testService } from '@prodgy/core/testing/services'
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core'
import { ensureBuilt } from '../../scripts/ensure-built.mjs'
import { type RunningServer, startPlatformServer } from '../support/servers.ts'

export const chromiumService = testService('chromium')

export interface Platform {
  baseUrl: string
  server: RunningServer
  browser: Browser
  /** A fresh browser profile: its own cookies and storage, like another person on another machine. */
  newPage(): Promise<{ context: BrowserContext; page: Page }>
  close(): Promise<void>
}

/** `env` adds to the server's environment (e.g. `PRODGY_OUTBOUND_ALLOWLIST` for a local stand-in of a service). */
export async function startPlatform(options: { env?: Record<string, string> } = {}): Promise<Platform> {
  ensureBuilt()
  const { baseUrl, server, close } = await startPlatformServer(options)
  const browser = await chromium.launch({
    executablePath: chromiumService.url,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  })
  const errors: string[] = []
  return {
    baseUrl,
    server,
    browser,
    async newPage() {
      const context = await browser.newContext({ baseURL: baseUrl })
      context.setDefaultTimeout(15_000)
      const page = await context.newPage()
      page.on('pageerror', (error) => errors.push(error.message))
      return { context, page }
    },
    async close() {
      await browser.close()
      await close()
      if (errors.length > 0) throw new Error(`The pages threw errors:\n${errors.join('\n')}`)
    },
  }
}

export const ADMIN = { fullName: 'Ada Lovelace', email: 'ada@acme.test', password: 'Correct-Horse-9' }

/** The first-run setup page, filled in as the first Super Admin of Acme with the workspace Rocket App. */
export async function completeSetup(page: Page): Promise<void> {
  await page.goto('/')
  await page.getByTestId('setup-page').waitFor()
  await page.getByTestId('setup-full-name').fill(ADMIN.fullName)
  await page.getByTestId('setup-email').fill(ADMIN.email)
  await page.getByTestId('setup-password').fill(ADMIN.password)
  await page.getByTestId('setup-password-confirm').fill(ADMIN.password)
  await page.getByTestId('setup-organization-name').fill('Acme')
  await page.getByTestId('setup-workspace-name').fill('Rocket App')
  await page.getByTestId('setup-submit').click()
  await page.getByTestId('home-page').waitFor()
}
