/**
 * End to end, as people use it: the Web app in Chromium against the whole platform started with `prodgy start`.
 * One story in order: the first admin sets up, creates a workspace, invites a colleague who accepts through the
 * outbox link, a stranger signs up and confirms, and an API token is created, used and revoked.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { BrowserContext, Page } from 'playwright-core'
import { chromiumService, type Platform, startPlatform } from './browser.ts'

const PASSWORD = 'Correct-Horse-9'

describe('the Web app in Chromium', { skip: chromiumService.skip }, () => {
  let platform: Platform
  let admin: Page
  let adminContext: BrowserContext

  before(async () => {
    platform = await startPlatform()
    ;({ page: admin, context: adminContext } = await platform.newPage())
  })
  after(async () => {
    await platform?.close()
  })

  /** The action link of the newest email to `to`, read by the Super Admin in Admin → Outbox. */
  async function outboxLink(to: string): Promise<string> {
    await admin.goto('/admin?tab=outbox')
    const row = admin.getByTestId('outbox-row').filter({ hasText: to }).first()
    await row.click()
    const link = await admin.getByTestId('outbox-action-link').getAttribute('href')
    assert.ok(link, `no link in the email to ${to}`)
    await admin.keyboard.press('Escape')
    return link
  }

  it('sets up the first Super Admin, organization and workspace on the first visit', async () => {
    await admin.goto('/')
    await admin.getByTestId('setup-page').waitFor()
    await admin.getByTestId('setup-full-name').fill('Ada Lovelace')
    await admin.getByTestId('setup-email').fill('ada@acme.test')
    await admin.getByTestId('setup-password').fill('weak')
    assert.equal(await admin.getByTestId('setup-password-rule-uppercase').getAttribute('data-met'), 'false')
    await admin.getByTestId('setup-password').fill(PASSWORD)
    assert.equal(await admin.getByTestId('setup-password-rule-uppercase').getAttribute('data-met'), 'true')
    await admin.getByTestId('setup-password-confirm').fill(PASSWORD)
    await admin.getByTestId('setup-organization-name').fill('Acme')
    await admin.getByTestId('setup-workspace-name').fill('Rocket App')
    await admin.getByTestId('setup-submit').click()
    await admin.getByTestId('home-page').waitFor()
    assert.equal(await admin.getByTestId('home-organization-name').textContent(), 'Acme')
    assert.match((await admin.getByTestId('home-workspace-name').textContent()) ?? '', /Rocket App/)
  })

  it('creates a workspace that appears in the selector', async () => {
    await admin.goto('/admin?tab=workspaces')
    await admin.getByTestId('workspace-add-open').click()
    await admin.getByTestId('workspace-form-name').fill('Mobile App')
    await admin.getByTestId('workspace-form-description').fill('The iOS and Android apps')
    await admin.getByTestId('workspace-form-submit').click()
    await admin.getByTestId('workspace-row').filter({ hasText: 'Mobile App' }).waitFor()
    const options = await admin.getByTestId('workspace-selector').locator('option').allTextContents()
    assert.ok(
      options.some((o) => o.includes('Mobile App')),
      `selector shows ${options.join(', ')}`,
    )
  })

  it('invites a colleague who accepts through the emailed link and sees only their workspace', async () => {
    await admin.goto('/admin?tab=users')
    await admin.getByTestId('invite-open').click()
    await admin.getByTestId('invite-full-name').fill('Grace Hopper')
    await admin.getByTestId('invite-email').fill('grace@acme.test')
    await admin.getByTestId('invite-workspace-option').filter({ hasText: 'Mobile App' }).click()
    await admin.getByTestId('invite-submit').click()
    await admin.getByTestId('invite-dialog').waitFor({ state: 'hidden' })
    await admin.getByTestId('users-subtab-pending').click()
    await admin.getByTestId('invitation-row').filter({ hasText: 'grace@acme.test' }).waitFor()

    const link = await outboxLink('grace@acme.test')
    assert.match(link, /\/accept-invite\?token=/)
    const { page: grace, context } = await platform.newPage()
    await grace.goto(link)
    assert.equal(await grace.getByTestId('accept-invite-organization').textContent(), 'Acme')
    await grace.getByTestId('accept-invite-password').fill(PASSWORD)
    await grace.getByTestId('accept-invite-password-confirm').fill(PASSWORD)
    await grace.getByTestId('accept-invite-submit').click()
    await grace.getByTestId('home-page').waitFor()
    const options = await grace.getByTestId('workspace-selector').locator('option').allTextContents()
    assert.deepEqual(
      options.map((o) => o.trim()),
      ['Mobile App'],
    )
    // a User has no admin panel
    await grace.goto('/admin')
    await grace.getByTestId('restricted-access').waitFor()
    await context.close()
  })

  it('signs up by email, confirms through the link, and signs in', async () => {
    const { page: visitor, context } = await platform.newPage()
    await visitor.goto('/signup')
    await visitor.getByTestId('signup-full-name').fill('Linus Example')
    await visitor.getByTestId('signup-email').fill('linus@example.test')
    await visitor.getByTestId('signup-submit').click()
    await visitor.getByTestId('signup-done').waitFor()

    const link = await outboxLink('linus@example.test')
    assert.match(link, /\/confirm\?token=/)
    await visitor.goto(link)
    await visitor.getByTestId('confirm-password').fill(PASSWORD)
    await visitor.getByTestId('confirm-password-confirm').fill(PASSWORD)
    await visitor.getByTestId('confirm-submit').click()
    // a new person belongs to no organization yet
    await visitor.getByTestId('onboarding-page').waitFor()
    await visitor.getByTestId('onboarding-signout').click()
    await visitor.getByTestId('login-page').waitFor()

    await visitor.getByTestId('login-email').fill('linus@example.test')
    await visitor.getByTestId('login-password').fill('Wrong-Password-1')
    await visitor.getByTestId('login-submit').click()
    await visitor.getByTestId('login-error').waitFor()
    await visitor.getByTestId('login-password').fill(PASSWORD)
    await visitor.getByTestId('login-submit').click()
    await visitor.getByTestId('onboarding-page').waitFor()
    await visitor.getByTestId('onboarding-name').fill('Linus Labs')
    await visitor.getByTestId('onboarding-submit').click()
    await visitor.getByTestId('home-page').waitFor()
    await context.close()
  })

  it('creates an API token shown once, uses it against the API, and revokes it', async () => {
    await admin.goto('/')
    await admin.getByTestId('workspace-selector').selectOption({ label: 'Rocket App' })
    await admin.getByTestId('workspace-settings-link').click()
    await admin.getByTestId('workspace-tab-tokens').click()
    await admin.getByTestId('create-token-open').click()
    await admin.getByTestId('create-token-name').fill('CI pipeline')
    await admin.getByTestId('create-token-submit').click()
    const token = await admin.getByTestId('new-token-value').inputValue()
    assert.match(token, /^prodgy_[A-Za-z0-9]{32}$/)
    await admin.getByTestId('new-token-done').click()

    const call = () => fetch(`${platform.baseUrl}/api/me`, { headers: { authorization: `Bearer ${token}` } })
    const ok = await call()
    assert.equal(ok.status, 200)
    const me = (await ok.json()) as { data: { workspaces: { name: string }[] } }
    assert.deepEqual(
      me.data.workspaces.map((w) => w.name),
      ['Rocket App'],
    )

    await admin.reload()
    const card = admin.getByTestId('api-token-card').filter({ hasText: 'CI pipeline' })
    assert.match((await card.getByTestId('api-token-usage').textContent()) ?? '', /1/)
    assert.equal((await card.textContent())?.includes(token), false)
    await card.getByTestId('api-token-revoke').click()
    await admin.getByTestId('api-token-revoke-confirm-submit').click()
    await admin
      .getByTestId('api-token-card')
      .filter({ hasText: 'CI pipeline' })
      .and(admin.locator('[data-status="revoked"]'))
      .waitFor()
    const refused = await call()
    assert.equal(refused.status, 401)
    assert.equal(((await refused.json()) as { error: string }).error, 'token_revoked')
  })

  it('keeps the refresh token out of reach of scripts', async () => {
    const cookies = await adminContext.cookies()
    const refresh = cookies.find((c) => c.name === 'prodgy_refresh')
    assert.ok(refresh?.httpOnly)
    const storage = await admin.evaluate(() => JSON.stringify({ ...localStorage, ...sessionStorage }))
    assert.equal(storage.includes('prt_'), false)
  })
})
