/**
 * The first use of integrations and the MCP Gateway, as a new user meets it: `prodgy start`, an admin installs the
 * built-in Jira and GitHub templates with credentials (the services are local stand-ins replaying their documented
 * responses), creates an API token, connects an MCP client to /mcp with that token in one header, lists the core
 * tools and `create_work_item` with `_integration`, searches the knowledge base, and is refused a destructive call
 * until it confirms.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import {
  SAAS_REPLAY_CREDENTIALS,
  type SaasReplayServer,
  startSaasReplayServer,
} from '@prodgy/core/testing/saas-replay/server'
import { callJson, type RunningPlatform, startPlatformServer } from './support/servers.ts'

type Envelope<T> = { success: boolean; data: T; message?: string; error?: string }
type ToolResult = { content: { type: string; text: string }[]; isError?: boolean; structuredContent?: unknown }

const PASSWORD = 'Correct-Horse-9'
const WAIT_MS = 60_000

describe('first use of integrations through the MCP Gateway', () => {
  let platform: RunningPlatform
  let replay: SaasReplayServer
  let baseUrl: string
  let admin: string
  let workspaceId: string
  let apiToken: string
  let client: Client

  const api = async <T>(method: string, path: string, body?: unknown, token = admin) => {
    const res = await callJson<Envelope<T>>(baseUrl, method, path, { body, token })
    assert.ok(res.status < 300, `${method} ${path} → ${res.status} ${JSON.stringify(res.json)}`)
    return res.json.data
  }
  const text = (result: unknown) => (result as ToolResult).content.map((c) => c.text).join('\n')

  before(async () => {
    replay = await startSaasReplayServer()
    platform = await startPlatformServer({ env: { PRODGY_OUTBOUND_ALLOWLIST: '127.0.0.1' } })
    baseUrl = platform.baseUrl
    const setup = await callJson<Envelope<{ accessToken: string }>>(baseUrl, 'POST', '/api/setup', {
      body: { email: 'ada@acme.test', password: PASSWORD, fullName: 'Ada Lovelace', organizationName: 'Acme' },
    })
    admin = setup.json.data.accessToken
    workspaceId = (await api<{ id: string }>('POST', '/api/workspaces', { name: 'Rocket' })).id
  })
  after(async () => {
    await client?.close().catch(() => undefined)
    await platform?.close()
    await replay?.close()
  })

  it('lets an admin install Jira and GitHub from the catalog with credentials checked by the services', async () => {
    const catalog = await api<{ items: { id: string; key: string }[] }>('GET', '/api/integration-templates')
    const jira = catalog.items.find((t) => t.key === 'jira')
    const github = catalog.items.find((t) => t.key === 'github')
    assert.ok(jira && github, 'the built-in templates are in the catalog')
    const jiraInstalled = await api<{ id: string; credentialNames: string[] }>('POST', '/api/integrations-base', {
      templateId: jira.id,
      title: 'Acme Jira',
      settings: { site_url: replay.url, project_key: 'ED' },
      credentials: { email: SAAS_REPLAY_CREDENTIALS.jira.email, api_token: SAAS_REPLAY_CREDENTIALS.jira.apiToken },
    })
    assert.deepEqual(jiraInstalled.credentialNames, ['api_token', 'email'])
    await api('POST', '/api/integrations-base', {
      templateId: github.id,
      title: 'Rocket GitHub',
      product_id: workspaceId,
      settings: { api_url: replay.url, owner: 'octocat', repo: 'Hello-World' },
      credentials: { token: SAAS_REPLAY_CREDENTIALS.github.token },
    })
    // the credential checks reached the services
    assert.ok(replay.requests.some((r) => r.path === '/rest/api/3/myself'))
    assert.ok(replay.requests.some((r) => r.path === '/user'))
  })

  it('imports a document into the knowledge base and creates an API token', async () => {
    const form = new FormData()
    form.set('workspaceId', workspaceId)
    form.set(
      'file',
      new Blob(['# Onboarding\n\nNew engineers get a laptop and pair with a buddy during the first week.\n'], {
        type: 'text/markdown',
      }),
      'onboarding.md',
    )
    const upload = await fetch(`${baseUrl}/api/knowledge-base/documents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}` },
      body: form,
      signal: AbortSignal.timeout(15_000),
    })
    const uploaded = (await upload.json()) as Envelope<{ id: string }>
    assert.equal(upload.status, 201, JSON.stringify(uploaded))
    const deadline = Date.now() + WAIT_MS
    for (;;) {
      const doc = await api<{ status: string }>('GET', `/api/knowledge-base/documents/${uploaded.data.id}`)
      if (doc.status === 'ready') break
      assert.notEqual(doc.status, 'failed')
      assert.ok(Date.now() < deadline, 'the document is ready within a minute')
      await new Promise((r) => setTimeout(r, 200))
    }
    const created = await api<{ token: string }>('POST', `/api/workspaces/${workspaceId}/api-tokens`, {
      name: 'Claude Code',
    })
    apiToken = created.token
    assert.match(apiToken, /^prodgy_/)
  })

  it('connects an MCP client with the token and lists the core tools and create_work_item with _integration', async () => {
    client = new Client({ name: 'first-use', version: '1.0.0' })
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${baseUrl}/mcp`), {
        requestInit: { headers: { Authorization: `Bearer ${apiToken}` } },
      }),
    )
    const { tools } = await client.listTools()
    const names = tools.map((t) => t.name)
    for (const core of [
      'get_my_profile',
      'get_workspace_info',
      'update_my_ai_preferences',
      'search_knowledge',
      'list_integration_catalog',
      'get_integration',
      'list_installed_integrations',
      'install_integration',
      'get_active_integrations',
    ]) {
      assert.ok(names.includes(core), `${core} is listed`)
    }
    assert.equal(names.includes('list_agents'), false, 'no agent tools before agents exist')
    const create = tools.find((t) => t.name === 'create_work_item')
    assert.ok(create, 'create_work_item is listed')
    const properties = create.inputSchema.properties as Record<string, { enum?: string[] }>
    assert.equal(properties._integration?.enum?.length, 2)
    assert.ok(create.inputSchema.required?.includes('_integration'))
  })

  it('searches the knowledge base and creates a work item in the chosen service', async () => {
    const found = await client.callTool({ name: 'search_knowledge', arguments: { query: 'laptop buddy first week' } })
    assert.match(text(found), /pair with a buddy/)
    const active = await api<{ items: { id: string; templateKey: string }[] }>(
      'GET',
      `/api/integrations-base/product/${workspaceId}/active`,
    )
    const jiraId = active.items.find((i) => i.templateKey === 'jira')?.id as string
    const created = await client.callTool({
      name: 'create_work_item',
      arguments: { _integration: jiraId, title: 'Laptop for the new engineer' },
    })
    assert.notEqual((created as ToolResult).isError, true, text(created))
    assert.match(text(created), /ED-24/)
    const sent = replay.requests.find((r) => r.method === 'POST' && r.path === '/rest/api/3/issue')
    assert.ok(sent, 'Jira received the issue')
  })

  it('refuses a destructive call until the client confirms it', async () => {
    const before = replay.requests.length
    const refused = await client.callTool({
      name: 'update_work_item',
      arguments: { _integration: 'Acme Jira', id: 'ED-24', title: 'Laptop and monitor' },
    })
    assert.equal((refused as ToolResult).isError, true)
    assert.match(text(refused), /_confirm/)
    assert.equal(replay.requests.length, before, 'nothing was sent to Jira')
    const confirmed = await client.callTool({
      name: 'update_work_item',
      arguments: { _integration: 'Acme Jira', id: 'ED-24', title: 'Laptop and monitor', _confirm: true },
    })
    assert.notEqual((confirmed as ToolResult).isError, true, text(confirmed))
    const sent = replay.requests.at(-1)
    assert.equal(sent?.method, 'PUT')
    assert.equal(sent?.path, '/rest/api/3/issue/ED-24')
  })
})
