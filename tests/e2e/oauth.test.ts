/**
 * The OAuth consent page and Connected Apps in Chromium: an application sends a signed-out person to authorize;
 * they sign in, come back to the consent page with the request intact, choose the scopes and approve, and the
 * browser lands on the application's redirect URI with a code. The administrator then revokes the app under
 * Workspace settings → Apps, and its token stops working.
 */
import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, describe, it } from 'node:test'
import type { Page } from 'playwright-core'
import { callJson } from '../support/servers.ts'
import { ADMIN, chromiumService, completeSetup, type Platform, startPlatform } from './browser.ts'

const base64Url = (bytes: Buffer) => bytes.toString('base64url')

/** The application's own little web server: it only records the redirects it receives. */
async function startCallback() {
  const received: URL[] = []
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    // the browser also asks for /favicon.ico
    if (url.pathname === '/callback') received.push(url)
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
    res.end('<!doctype html><title>Test app</title><p id="done">You can close this window.</p>')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/callback`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

describe('OAuth consent and Connected Apps in Chromium', { skip: chromiumService.skip }, () => {
  let platform: Platform
  let admin: Page
  let callback: Awaited<ReturnType<typeof startCallback>>
  let clientId: string
  let workspaceId: string
  let accessToken: string
  const verifier = base64Url(randomBytes(32))
  const challenge = base64Url(createHash('sha256').update(verifier).digest())

  const authorizeUrl = (state: string) =>
    `${platform.baseUrl}/oauth/authorize?${new URLSearchParams({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: callback.url,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      scope: 'mcp:read mcp:write mcp:execute',
      resource: `${platform.baseUrl}/mcp`,
      state,
    })}`

  before(async () => {
    platform = await startPlatform()
    callback = await startCallback()
    ;({ page: admin } = await platform.newPage())
    await completeSetup(admin)
    const registered = await callJson<{ client_id: string }>(platform.baseUrl, 'POST', '/oauth/register', {
      body: {
        client_name: 'Orbit Assistant',
        client_uri: 'https://orbit.example/about',
        redirect_uris: [callback.url],
        token_endpoint_auth_method: 'none',
      },
    })
    assert.equal(registered.status, 201, JSON.stringify(registered.json))
    clientId = registered.json.client_id
  })
  after(async () => {
    await callback?.close()
    await platform?.close()
  })

  it('signs in, comes back to the consent page, approves, and lands on the redirect URI with a code', async () => {
    const { page, context } = await platform.newPage()
    await page.goto(authorizeUrl('first'))
    await page.getByTestId('login-page').waitFor()
    await page.getByTestId('login-email').fill(ADMIN.email)
    await page.getByTestId('login-password').fill(ADMIN.password)
    await page.getByTestId('login-submit').click()

    await page.getByTestId('oauth-consent-organization').waitFor()
    assert.equal(new URL(page.url()).pathname, '/oauth/consent')
    assert.equal(new URL(page.url()).searchParams.get('client_id'), clientId)
    assert.equal(await page.getByTestId('oauth-consent-app-name').textContent(), 'Orbit Assistant')
    assert.equal((await page.getByTestId('oauth-consent-app-website').textContent())?.trim(), 'orbit.example')
    assert.match((await page.getByTestId('oauth-consent-workspace').textContent()) ?? '', /Rocket App/)
    workspaceId = await page.getByTestId('oauth-consent-workspace').inputValue()
    for (const scope of ['mcp-read', 'mcp-write', 'mcp-execute']) {
      assert.ok(await page.getByTestId(`oauth-consent-scope-${scope}`).isChecked(), scope)
    }
    // the person keeps the app from running tools
    await page.getByTestId('oauth-consent-scope-mcp-execute').uncheck()
    await Promise.all([
      page.waitForURL((url) => url.href.startsWith(callback.url)),
      page.getByTestId('oauth-consent-approve').click(),
    ])
    await page.locator('#done').waitFor()
    const landed = callback.received.at(-1) as URL
    assert.equal(landed.searchParams.get('state'), 'first')
    assert.equal(landed.searchParams.get('iss'), platform.baseUrl)
    const code = landed.searchParams.get('code') as string
    assert.match(code, /^[A-Za-z0-9_-]{43}$/)

    const token = await fetch(`${platform.baseUrl}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: callback.url,
        code_verifier: verifier,
        client_id: clientId,
      }),
      signal: AbortSignal.timeout(10_000),
    })
    assert.equal(token.status, 200)
    const tokens = (await token.json()) as { access_token: string; scope: string }
    assert.equal(tokens.scope, 'mcp:read mcp:write')
    accessToken = tokens.access_token
    assert.equal((await callJson(platform.baseUrl, 'GET', '/api/me', { token: accessToken })).status, 200)

    // denying sends the person back with access_denied and no code
    await page.goto(authorizeUrl('second'))
    await page.getByTestId('oauth-consent-deny').waitFor()
    await Promise.all([
      page.waitForURL((url) => url.href.startsWith(callback.url)),
      page.getByTestId('oauth-consent-deny').click(),
    ])
    const denied = callback.received.at(-1) as URL
    assert.equal(denied.searchParams.get('error'), 'access_denied')
    assert.equal(denied.searchParams.get('state'), 'second')
    assert.equal(denied.searchParams.get('code'), null)
    await context.close()
  })

  it('shows a tampered request as an error instead of the consent form', async () => {
    await admin.goto(
      `/oauth/consent?client_id=${clientId}&redirect_uri=${encodeURIComponent('https://evil.example/cb')}`,
    )
    await admin.getByTestId('oauth-consent-load-error').waitFor()
    assert.match(
      (await admin.getByTestId('oauth-consent-load-error').textContent()) ?? '',
      /not one this application registered/,
    )
    assert.equal(await admin.getByTestId('oauth-consent-approve').count(), 0)
  })

  it('lists the app under Workspace settings → Apps and revokes it', async () => {
    await admin.goto(`/workspaces/${workspaceId}/settings?tab=apps`)
    const card = admin.getByTestId('connected-app-card').filter({ hasText: 'Orbit Assistant' })
    await card.waitFor()
    assert.equal((await card.getByTestId('connected-app-website').textContent())?.trim(), 'orbit.example')
    assert.match((await card.getByTestId('connected-app-scopes').textContent()) ?? '', /mcp:read\s*mcp:write/)
    assert.ok(Number(await card.getByTestId('connected-app-usage').textContent()) >= 1)
    assert.equal(await card.getByTestId('connected-app-user').textContent(), ADMIN.fullName)
    await card.getByTestId('connected-app-revoke').click()
    await admin.getByTestId('connected-app-revoke-confirm-submit').click()
    await admin.getByTestId('connected-apps-empty').waitFor()

    const after = await callJson<{ error: string }>(platform.baseUrl, 'GET', '/api/me', { token: accessToken })
    assert.equal(after.status, 401)
    assert.equal(after.json.error, 'token_revoked')
  })
})
