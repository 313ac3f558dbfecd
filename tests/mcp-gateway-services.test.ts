/**
 * Prodgy's own services (the Agentic runtime, say) calling the MCP Gateway with their service key: acting for a user
 * with `X-Prodgy-User-Id`, or for no one with `X-Organization-Id` and `X-Workspace-Id`, when `get_my_profile` answers
 * `unauthenticated_context` and only the workspace context is injected.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import { silentLogger } from '@prodgy/core'
import { type TestDatabaseHandle, testDatabaseKinds } from '@prodgy/core/testing/databases'
import { createGatewayApp } from '@prodgy/gateway'
import { createTestApi, STRONG_PASSWORD, type TestApi } from '../edge/api/src/testing/harness.ts'

const GATEWAY_KEY = 'gateway-service-key-for-the-service-tests-0123456789'
const AGENTIC_KEY = 'agentic-service-key-for-the-service-tests-0123456789'
const pglite = testDatabaseKinds().find((k) => k.name === 'pglite') as ReturnType<typeof testDatabaseKinds>[number]

const texts = (result: unknown) => (result as CallToolResult).content.map((c) => (c as { text: string }).text)

describe('services calling the MCP Gateway with their key', () => {
  let handle: TestDatabaseHandle
  let api: TestApi
  let gateway: ReturnType<typeof createGatewayApp>
  let organizationId: string
  let workspaceId: string
  let userId: string
  const clients: Client[] = []

  async function connect(headers: Record<string, string>): Promise<Client> {
    const transport = new StreamableHTTPClientTransport(new URL('http://prodgy.test/mcp'), {
      requestInit: { headers },
      fetch: async (input, init) => gateway.fetch(new Request(input, init)),
    })
    const client = new Client({ name: 'agentic', version: '1.0.0' })
    await client.connect(transport)
    clients.push(client)
    return client
  }

  before(async () => {
    handle = await pglite.create({ migrated: true })
    api = await createTestApi(handle.db, { env: { PRODGY_API_TOKEN: GATEWAY_KEY, PRODGY_AGENTIC_TOKEN: AGENTIC_KEY } })
    gateway = createGatewayApp({
      api: { fetch: (request) => api.app.fetch(request) },
      apiBaseUrl: 'http://prodgy.test',
      serviceKey: GATEWAY_KEY,
      publicUrl: 'http://prodgy.test',
      mcpUrl: 'http://prodgy.test/mcp',
      logger: silentLogger,
    })
    const setup = await api.request('/api/setup', {
      body: {
        email: 'root@acme.test',
        password: STRONG_PASSWORD,
        fullName: 'Root Admin',
        organizationName: 'Acme',
        workspaceName: 'Rocket',
      },
    })
    const session = setup.body.data as { accessToken: string; user: { id: string } }
    userId = session.user.id
    const me = (await api.request('/api/me', { token: session.accessToken })).body.data as {
      currentOrganizationId: string
      workspaces: { id: string }[]
    }
    organizationId = me.currentOrganizationId
    workspaceId = me.workspaces[0]?.id as string
  })
  after(async () => {
    for (const client of clients) await client.close().catch(() => undefined)
    await handle?.drop()
  })

  it('acts for the user named by X-Prodgy-User-Id', async () => {
    const client = await connect({
      'X-Api-Key': AGENTIC_KEY,
      'X-Prodgy-User-Id': userId,
      'X-Workspace-Id': workspaceId,
    })
    const { tools } = await client.listTools()
    assert.ok(tools.some((t) => t.name === 'search_knowledge'))
    const profile = texts(await client.callTool({ name: 'get_my_profile', arguments: {} })).join('\n')
    assert.match(profile, /root@acme\.test/)
  })

  it('acts for no one with an organization and workspace: unauthenticated_context, workspace context injected', async () => {
    const client = await connect({
      'X-Api-Key': AGENTIC_KEY,
      'X-Organization-Id': organizationId,
      'X-Workspace-Id': workspaceId,
    })
    const profile = texts(await client.callTool({ name: 'get_my_profile', arguments: {} })).join('\n')
    assert.match(profile, /unauthenticated_context/)
    const workspace = texts(await client.callTool({ name: 'get_workspace_info', arguments: {} })).join('\n')
    assert.match(workspace, /Rocket/)
  })

  it('refuses a wrong service key, and a workspace outside the named organization', async () => {
    const wrongKey = await gateway.fetch(
      new Request('http://prodgy.test/mcp', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          'X-Api-Key': 'not-a-service-key-not-a-service-key-0000',
          'X-Prodgy-User-Id': userId,
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
      }),
    )
    assert.equal(wrongKey.status, 401)
    await assert.rejects(
      connect({
        'X-Api-Key': AGENTIC_KEY,
        'X-Organization-Id': organizationId,
        'X-Workspace-Id': '00000000-0000-4000-8000-000000000000',
      }),
    )
  })
})
