/**
 * Integrations and the MCP Server settings end to end, in Chromium against `prodgy start`: an admin installs the
 * built-in GitHub template for one workspace against a local stand-in of the GitHub API (a wrong token shows
 * GitHub's own answer), turns it off and on, renames it without typing the token again, edits the MCP instructions,
 * and drafts a template with the organization's chat model, fixes it in the editor and saves it.
 */
import assert from 'node:assert/strict'
import { once } from 'node:events'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { type OpenAiTestServer, startOpenAiTestServer } from '@prodgy/core/testing/openai-test-server'
import type { Page } from 'playwright-core'
import { chromiumService, completeSetup, type Platform, startPlatform } from './browser.ts'

const TOKEN = 'github_pat_11AAAAAAA0test0token0for0the0browser0test'

/** GitHub's answer to `GET /user` with a valid token (the example of the REST reference, "Get the authenticated user"). */
const GITHUB_USER = {
  login: 'octocat',
  id: 1,
  node_id: 'MDQ6VXNlcjE=',
  avatar_url: 'https://github.com/images/error/octocat_happy.gif',
  gravatar_id: '',
  url: 'https://api.github.com/users/octocat',
  html_url: 'https://github.com/octocat',
  followers_url: 'https://api.github.com/users/octocat/followers',
  following_url: 'https://api.github.com/users/octocat/following{/other_user}',
  gists_url: 'https://api.github.com/users/octocat/gists{/gist_id}',
  starred_url: 'https://api.github.com/users/octocat/starred{/owner}{/repo}',
  subscriptions_url: 'https://api.github.com/users/octocat/subscriptions',
  organizations_url: 'https://api.github.com/users/octocat/orgs',
  repos_url: 'https://api.github.com/users/octocat/repos',
  events_url: 'https://api.github.com/users/octocat/events{/privacy}',
  received_events_url: 'https://api.github.com/users/octocat/received_events',
  type: 'User',
  site_admin: false,
  name: 'monalisa octocat',
  company: 'GitHub',
  blog: 'https://github.com/blog',
  location: 'San Francisco',
  email: 'octocat@github.com',
  hireable: false,
  bio: 'There once was...',
  twitter_username: 'monatheoctocat',
  public_repos: 2,
  public_gists: 1,
  followers: 20,
  following: 0,
  created_at: '2008-01-14T04:33:35Z',
  updated_at: '2008-01-14T04:33:35Z',
}

/** GitHub's 401 body for a token it does not know. */
const BAD_CREDENTIALS = { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' }

/** The template the chat model "drafts": valid, so the editor opens without problems. */
const DRAFTED = {
  schemaVersion: 1,
  key: 'release_notes',
  version: 1,
  name: 'Release notes',
  class: 'other',
  description: 'Reads the published release notes of a product from its release notes service.',
  baseUrl: '{{settings.api_url}}',
  credentials: [{ name: 'api_key', label: 'API key', secret: true, required: true }],
  settings: [{ name: 'api_url', label: 'API URL', type: 'url', required: true }],
  auth: { type: 'header', name: 'X-Api-Key', value: '{{credentials.api_key}}' },
  tools: [
    {
      name: 'list_release_notes',
      description: 'Lists the latest release notes, newest first.',
      inputSchema: { type: 'object', properties: { limit: { type: 'integer', description: 'At most this many.' } } },
      annotations: { readOnly: true },
      request: { method: 'GET', url: '/releases', query: { limit: '{{input.limit}}' } },
    },
  ],
}

interface GithubStandIn {
  url: string
  /** The Authorization header of every `GET /user`, in order. */
  userRequests: string[]
  close(): Promise<void>
}

async function startGithub(): Promise<GithubStandIn> {
  const userRequests: string[] = []
  const server: Server = createServer((request, response) => {
    response.setHeader('Content-Type', 'application/json; charset=utf-8')
    if (request.method === 'GET' && request.url === '/user') {
      const authorization = request.headers.authorization ?? ''
      userRequests.push(authorization)
      const ok = authorization === `Bearer ${TOKEN}`
      response.statusCode = ok ? 200 : 401
      response.end(JSON.stringify(ok ? GITHUB_USER : BAD_CREDENTIALS))
      return
    }
    response.statusCode = 404
    response.end(JSON.stringify({ message: 'Not Found', documentation_url: 'https://docs.github.com/rest' }))
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    userRequests,
    close: async () => {
      server.closeAllConnections()
      server.close()
      await once(server, 'close')
    },
  }
}

describe('integrations and MCP settings in Chromium', { skip: chromiumService.skip }, () => {
  let platform: Platform
  let github: GithubStandIn
  let ai: OpenAiTestServer
  let page: Page

  before(async () => {
    github = await startGithub()
    ai = await startOpenAiTestServer({ reply: () => JSON.stringify(DRAFTED) })
    // the GitHub stand-in and the model server listen on the loopback address, which integrations may not reach
    // unless the operator allows it
    platform = await startPlatform({ env: { PRODGY_OUTBOUND_ALLOWLIST: '127.0.0.1' } })
    ;({ page } = await platform.newPage())
  })
  after(async () => {
    await platform?.close()
    await ai?.close()
    await github?.close()
  })

  it('installs GitHub for one workspace from the catalog; a wrong token shows GitHub’s answer', async () => {
    await completeSetup(page)
    await page.getByTestId('nav-integrations').click()
    await page.getByTestId('catalog-page').waitFor()

    // the class filter and the search narrow the catalog
    const githubCard = page.locator('[data-testid="catalog-card"][data-template-key="github"]')
    await githubCard.waitFor()
    await page.getByTestId('catalog-class-filter').selectOption('communicator')
    await page.locator('[data-testid="catalog-card"][data-template-key="slack"]').waitFor()
    await githubCard.waitFor({ state: 'detached' })
    await page.getByTestId('catalog-class-filter').selectOption('')
    await page.getByTestId('catalog-search').fill('github')
    await page.locator('[data-testid="catalog-card"][data-template-key="slack"]').waitFor({ state: 'detached' })
    assert.equal(await githubCard.getByTestId('catalog-card-class').textContent(), 'Git')

    // the details list the tools with their badges and inputs
    await githubCard.getByTestId('catalog-card-details').click()
    const detail = page.getByTestId('template-detail')
    await detail.getByTestId('template-detail-body').waitFor()
    const createIssue = detail.locator('[data-testid="template-detail-tool"][data-tool-name="create_work_item"]')
    await createIssue.locator('[data-testid="template-detail-tool-input"][data-input-name="title"]').waitFor()
    assert.ok((await detail.getByTestId('template-detail-tool-read-only').count()) > 0)
    await detail.getByTestId('template-detail-install').click()

    const dialog = page.getByTestId('integration-install-dialog')
    await dialog.waitFor()
    assert.equal(await page.getByTestId('integration-install-title').inputValue(), 'GitHub')
    assert.equal(await page.getByTestId('integration-install-credential-token').getAttribute('type'), 'password')
    assert.equal(await page.getByTestId('integration-install-setting-api_url').inputValue(), 'https://api.github.com')
    await page.getByTestId('integration-install-scope').selectOption({ label: 'Local: Rocket App' })
    await page.getByTestId('integration-install-setting-api_url').fill(github.url)
    await page.getByTestId('integration-install-setting-owner').fill('octocat')
    await page.getByTestId('integration-install-setting-repo').fill('Hello-World')

    // required fields are checked before anything is sent
    await page.getByTestId('integration-install-submit').click()
    await page.getByTestId('integration-install-credential-token-error').waitFor()
    assert.equal(github.userRequests.length, 0)

    await page.getByTestId('integration-install-credential-token').fill('github_pat_revoked')
    await page.getByTestId('integration-install-submit').click()
    const error = page.getByTestId('integration-install-error')
    await error.waitFor()
    assert.match((await error.textContent()) ?? '', /Bad credentials/)
    assert.deepEqual(github.userRequests, ['Bearer github_pat_revoked'])

    await page.getByTestId('integration-install-credential-token').fill(TOKEN)
    await page.getByTestId('integration-install-submit').click()
    await dialog.waitFor({ state: 'detached' })
    assert.deepEqual(github.userRequests.at(-1), `Bearer ${TOKEN}`)
    assert.equal((await page.content()).includes(TOKEN), false)
  })

  it('lists it in the workspace, turns it off and on, and renames it without the token', async () => {
    await page.getByTestId('nav-workspace-settings').click()
    await page.getByTestId('workspace-tab-integrations').click()
    const row = page.locator('[data-testid="integration-row"]').filter({ hasText: 'GitHub' })
    await row.waitFor()
    assert.equal(await row.getAttribute('data-scope'), 'local')
    assert.equal(await row.getByTestId('integration-row-scope').textContent(), 'Local')
    assert.ok(Number(await row.getByTestId('integration-row-tools').textContent()) > 0)
    assert.equal(await row.getAttribute('data-active'), 'true')

    await row.getByTestId('integration-row-active').click()
    await page.locator('[data-testid="integration-row"][data-active="false"]').waitFor()
    await row.getByTestId('integration-row-active').click()
    await page.locator('[data-testid="integration-row"][data-active="true"]').waitFor()

    const checks = github.userRequests.length
    await row.getByTestId('integration-row-edit').click()
    const drawer = page.getByTestId('integration-edit')
    await drawer.waitFor()
    assert.equal(await page.getByTestId('integration-edit-credential-token').inputValue(), '')
    assert.equal(await page.getByTestId('integration-edit-setting-owner').inputValue(), 'octocat')
    await page.getByTestId('integration-edit-title').fill('GitHub: Rocket App')
    await page.getByTestId('integration-edit-submit').click()
    await drawer.waitFor({ state: 'detached' })
    await page.locator('[data-testid="integration-row-title"]', { hasText: 'GitHub: Rocket App' }).waitFor()
    // neither the token nor the settings changed, so GitHub was not asked again
    assert.equal(github.userRequests.length, checks)

    // a replaced token is checked with GitHub, and a refused one is not stored
    await row.getByTestId('integration-row-edit').click()
    await drawer.waitFor()
    await page.getByTestId('integration-edit-credential-token').fill('github_pat_expired')
    await page.getByTestId('integration-edit-submit').click()
    const editError = page.getByTestId('integration-edit-error')
    await editError.waitFor()
    assert.match((await editError.textContent()) ?? '', /Bad credentials/)
    await page.getByTestId('integration-edit-cancel').click()
    await drawer.waitFor({ state: 'detached' })
  })

  it('hints that the local integration shadows a global one of the same template', async () => {
    // "Add integration" in a workspace opens the catalog with that workspace as the scope
    await page.getByTestId('integrations-add').click()
    const workspaceId = new URL(page.url()).searchParams.get('workspace')
    assert.ok(workspaceId)
    await page
      .locator('[data-testid="catalog-card"][data-template-key="github"]')
      .getByTestId('catalog-card-install')
      .click()
    const scope = page.getByTestId('integration-install-scope')
    // the workspaces load after the dialog opens; the chosen one is selected once its option exists
    await scope.locator(`option[value="${workspaceId}"]`).waitFor({ state: 'attached' })
    assert.equal(await scope.inputValue(), workspaceId)
    await scope.selectOption({ label: 'Global (all workspaces)' })
    await page.getByTestId('integration-install-title').fill('GitHub: company')
    await page.getByTestId('integration-install-credential-token').fill(TOKEN)
    await page.getByTestId('integration-install-setting-api_url').fill(github.url)
    await page.getByTestId('integration-install-setting-owner').fill('octocat')
    await page.getByTestId('integration-install-setting-repo').fill('Spoon-Knife')
    await page.getByTestId('integration-install-submit').click()
    await page.getByTestId('integration-install-dialog').waitFor({ state: 'detached' })

    await page.goto(`/workspaces/${workspaceId}/settings?tab=integrations`)
    const globalRow = page.locator('[data-testid="integration-row"][data-scope="global"]')
    await globalRow.waitFor()
    assert.equal(
      await globalRow.getByTestId('integration-row-shadowed').textContent(),
      'Shadowed by GitHub: Rocket App (local) in this workspace',
    )
    // an inactive local integration hides nothing
    const localRow = page.locator('[data-testid="integration-row"][data-scope="local"]')
    await localRow.getByTestId('integration-row-active').click()
    await page.locator('[data-testid="integration-row"][data-scope="local"][data-active="false"]').waitFor()
    await globalRow.getByTestId('integration-row-shadowed').waitFor({ state: 'detached' })
  })

  it('saves the MCP instructions and shows how to connect a client', async () => {
    await page.goto('/admin?tab=mcp')
    const instructions = page.getByTestId('mcp-instructions')
    await instructions.waitFor()
    const text = '# Working with Prodgy\n\nCall get_my_profile first, then get_workspace_info.'
    await instructions.fill(text)
    await page.getByTestId('mcp-template-rules').fill('Tool names start with a verb.')
    await page.getByTestId('mcp-settings-save').click()
    await page.locator('[data-testid="toast"]', { hasText: 'MCP Server settings saved' }).waitFor()

    await page.reload()
    await page.getByTestId('mcp-instructions').waitFor()
    assert.equal(await page.getByTestId('mcp-instructions').inputValue(), text)
    assert.equal(await page.getByTestId('mcp-template-rules').inputValue(), 'Tool names start with a verb.')

    const url = `${platform.baseUrl}/mcp`
    assert.equal(await page.getByTestId('mcp-connect-url').textContent(), url)
    assert.equal(
      await page.getByTestId('mcp-snippet-claude-code').textContent(),
      `claude mcp add --transport http prodgy ${url} --header "Authorization: Bearer <your API token>"`,
    )
    await page.getByTestId('mcp-client-cursor').click()
    const cursor = JSON.parse((await page.getByTestId('mcp-snippet-cursor').textContent()) ?? '{}')
    assert.equal(cursor.mcpServers.prodgy.url, url)
    const tokens = page.getByTestId('mcp-connect-tokens-link')
    assert.match((await tokens.getAttribute('href')) ?? '', /^\/workspaces\/[0-9a-f-]+\/settings\?tab=tokens$/)
  })

  it('drafts a template with the organization’s chat model, and saves it after review', async () => {
    await page.goto('/admin?tab=ai-provider')
    await page.getByTestId('ai-provider-provider').selectOption('openai_compatible')
    await page.getByTestId('ai-provider-base-url').fill(ai.url)
    await page.getByTestId('ai-provider-chat-model').fill('test-chat')
    await page.getByTestId('ai-provider-api-key').fill(ai.apiKey)
    await page.getByTestId('ai-provider-save').click()
    await page.getByTestId('ai-provider-key-saved').waitFor()

    await page.getByTestId('nav-integrations').click()
    await page.getByTestId('catalog-draft-open').click()
    await page
      .getByTestId('template-draft-description')
      .fill('Our release notes service: an API key in X-Api-Key, and one tool that lists the latest release notes.')
    await page.getByTestId('template-draft-submit').click()
    const editor = page.getByTestId('template-editor')
    await editor.waitFor()
    assert.ok(ai.calls.chat >= 1, 'the chat model drafted it')
    const json = page.getByTestId('template-editor-json')
    assert.equal(JSON.parse(await json.inputValue()).key, 'release_notes')
    // nothing is saved until the admin saves
    await page.locator('[data-testid="catalog-card"][data-template-key="release_notes"]').waitFor({ state: 'detached' })

    // the server's problems are listed by their path in the JSON
    await json.fill(JSON.stringify({ ...DRAFTED, key: 'Release Notes' }, null, 2))
    assert.match(await json.inputValue(), /"key": "Release Notes"/)
    await page.getByTestId('template-editor-submit').click()
    await page.getByTestId('template-editor-error').waitFor()
    await editor.locator('[data-testid="template-editor-issue"][data-path="key"]').waitFor()

    await json.fill(JSON.stringify(DRAFTED, null, 2))
    await page.getByTestId('template-editor-submit').click()
    await editor.waitFor({ state: 'detached' })
    const card = page.locator('[data-testid="catalog-card"][data-template-key="release_notes"]')
    await card.waitFor()
    assert.equal(await card.getByTestId('catalog-card-organization').textContent(), 'Organization')
    assert.equal(await card.getByTestId('catalog-card-tools').textContent(), '1 tool')
  })
})
