/**
 * The MCP Gateway over real sockets: the API (over PGlite) and two Gateway replicas each listen on loopback, and the
 * official MCP SDK client talks to them with real API tokens. A small ticket desk on another port plays the external
 * service an installed integration calls. Then the one-process `prodgy start` serves /mcp on its front door, and
 * `prodgy gateway` refuses to start without its service key.
 */
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { type ServerType, serve } from '@hono/node-server'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import { createLogger, silentLogger } from '@prodgy/core'
import { type TestDatabaseHandle, testDatabaseKinds } from '@prodgy/core/testing/databases'
import { createGatewayApp, INSTRUCTIONS_PREFACE } from '@prodgy/gateway'
import { createTestApi, STRONG_PASSWORD, type TestApi } from '../edge/api/src/testing/harness.ts'
import { ingestDocument } from '../workers/service/src/knowledge/ingest.ts'
import {
  callJson,
  isolatedEnv,
  PRODGY_BIN,
  ROOT,
  type RunningPlatform,
  startPlatformServer,
} from './support/servers.ts'

const SERVICE_KEY = 'gateway-service-key-for-the-mcp-tests-0123456789'
const DESK_TOKEN = 'desk-secret-token-42'
const ADMIN_TOOLS = [
  'create_integration',
  'update_integration',
  'delete_integration',
  'get_mcp_settings',
  'update_mcp_settings',
]

type Session = { accessToken: string; user: { id: string } }
type Listening = { url: string; close(): Promise<void> }

function listen(fetch: (request: Request) => Response | Promise<Response>): Promise<Listening> {
  return new Promise((resolve) => {
    const server: ServerType = serve({ fetch, hostname: '127.0.0.1', port: 0 }, (info) =>
      resolve({
        url: `http://127.0.0.1:${info.port}`,
        close: () =>
          new Promise<void>((done) => {
            ;(server as { closeAllConnections?: () => void }).closeAllConnections?.()
            server.close(() => done())
          }),
      }),
    )
  })
}

/** The ticket desk an integration calls: bearer auth, one ticket, and every request it received. */
async function startDesk() {
  const received: { method: string; url: string; body: unknown }[] = []
  const tickets = new Map([['OPS-1', { key: 'OPS-1', title: 'Renew the certificate', state: 'open' }]])
  const read = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let data = ''
      req.on('data', (chunk) => {
        data += chunk
      })
      req.on('end', () => resolve(data))
    })
  const server = createServer(async (req, res) => {
    const text = await read(req)
    received.push({ method: req.method ?? '', url: req.url ?? '', body: text ? JSON.parse(text) : undefined })
    const json = (status: number, value: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(JSON.stringify(value))
    }
    if (req.headers.authorization !== `Bearer ${DESK_TOKEN}`) return json(401, { message: 'Bad credentials' })
    const match = /^\/tickets\/([^/?]+)$/.exec(req.url ?? '')
    const ticket = match ? tickets.get(decodeURIComponent(match[1] as string)) : undefined
    if (!ticket) return json(404, { message: 'No such ticket' })
    if (req.method === 'GET') return json(200, { ticket })
    if (req.method === 'DELETE') {
      tickets.delete(ticket.key)
      return json(200, { deleted: ticket.key })
    }
    json(405, { message: 'Method not allowed' })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

function deskTemplate(key: string, name: string, tools: { get: string; remove: string }) {
  return {
    key,
    name,
    class: 'devops',
    description: `${name}: tickets for the operations team.`,
    baseUrl: '{{settings.api_url}}',
    credentials: [{ name: 'token', label: 'API token', secret: true }],
    settings: [{ name: 'api_url', label: 'API address', type: 'url', required: true }],
    auth: { type: 'bearer', token: '{{credentials.token}}' },
    tools: [
      {
        name: tools.get,
        description: 'Read a ticket by its key.',
        annotations: { readOnly: true },
        inputSchema: { type: 'object', properties: { key: { type: 'string' } }, required: ['key'] },
        request: { method: 'GET', url: '/tickets/{{input.key}}' },
        response: {
          root: 'ticket',
          outputSchema: {
            type: 'object',
            properties: { key: { type: 'string' }, title: { type: 'string' }, state: { type: 'string' } },
            required: ['key', 'title', 'state'],
          },
        },
      },
      {
        name: tools.remove,
        description: 'Delete a ticket.',
        annotations: { destructive: true },
        inputSchema: { type: 'object', properties: { key: { type: 'string' } }, required: ['key'] },
        request: { method: 'DELETE', url: '/tickets/{{input.key}}' },
      },
    ],
  }
}

const text = (result: unknown, index: number) =>
  ((result as CallToolResult).content[index] as { type: 'text'; text: string }).text
const contentCount = (result: unknown) => (result as CallToolResult).content.length

const kind = testDatabaseKinds()[0] as ReturnType<typeof testDatabaseKinds>[number]

describe('MCP Gateway over HTTP', () => {
  let handle: TestDatabaseHandle
  let api: TestApi
  let apiServer: Listening
  const gateways: Listening[] = []
  let desk: Awaited<ReturnType<typeof startDesk>>
  let rocket: string
  let adminToken: string // the Super Admin of Acme, bound to Rocket
  let userToken: string // a member of Acme with the user role, bound to Rocket
  let globexToken: string
  const clients: Client[] = []
  const gatewayLogs: string[] = []

  async function connect(
    token: string | undefined,
    options: { baseUrls?: string[]; headers?: Record<string, string> } = {},
  ): Promise<{ client: Client; transport: StreamableHTTPClientTransport; hits: string[] }> {
    const baseUrls = options.baseUrls ?? [gateways[0]?.url as string]
    const hits: string[] = []
    let next = 0
    const transport = new StreamableHTTPClientTransport(new URL(`${baseUrls[0]}/mcp`), {
      requestInit: { headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...options.headers } },
      // each request goes to the next replica in turn
      fetch: (input, init) => {
        const base = baseUrls[next++ % baseUrls.length] as string
        const url = new URL(String(input instanceof Request ? input.url : input))
        hits.push(base)
        return fetch(`${base}${url.pathname}${url.search}`, { ...init, signal: AbortSignal.timeout(20_000) })
      },
    })
    const client = new Client({ name: 'gateway-test', version: '1.0.0' })
    await client.connect(transport)
    clients.push(client)
    return { client, transport, hits }
  }

  async function upload(token: string, name: string, content: string): Promise<string> {
    const form = new FormData()
    form.set('file', new Blob([content], { type: 'text/markdown' }), name)
    const response = await api.app.request('/api/knowledge-base/documents', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: form,
    })
    const body = (await response.json()) as { data: { id: string } }
    assert.equal(response.status, 201, JSON.stringify(body))
    const outcome = await ingestDocument(
      { db: handle.db, storage: api.storage, encryptionKey: undefined, log: silentLogger },
      body.data.id,
      { attempt: 1, maxAttempts: 1, signal: AbortSignal.timeout(30_000), log: silentLogger },
    )
    assert.equal(outcome.outcome, 'ready', JSON.stringify(outcome))
    return body.data.id
  }

  async function installDesk(token: string, template: ReturnType<typeof deskTemplate>, workspaceId: string) {
    const created = await api.request('/api/integration-templates', { token, body: template })
    assert.equal(created.status, 201, JSON.stringify(created.body))
    const installed = await api.request('/api/integrations-base', {
      token,
      body: {
        templateId: (created.body.data as { id: string }).id,
        title: template.name,
        product_id: workspaceId,
        settings: { api_url: desk.url },
        credentials: { token: DESK_TOKEN },
      },
    })
    assert.equal(installed.status, 201, JSON.stringify(installed.body))
  }

  before(async () => {
    handle = await kind.create({ migrated: true })
    desk = await startDesk()
    api = await createTestApi(handle.db, {
      env: {
        PRODGY_API_TOKEN: SERVICE_KEY,
        PRODGY_OUTBOUND_ALLOWLIST: '127.0.0.1',
        PRODGY_ENCRYPTION_KEY: 'mcp-gateway-tests-encryption-key-0123456789',
      },
    })
    apiServer = await listen((request) => api.app.fetch(request))
    for (let i = 0; i < 2; i++) {
      const app = createGatewayApp({
        api: { fetch: (request) => fetch(request) },
        apiBaseUrl: apiServer.url,
        serviceKey: SERVICE_KEY,
        publicUrl: 'http://prodgy.test',
        mcpUrl: 'http://prodgy.test/mcp',
        logger: createLogger({ level: 'debug', write: (line) => gatewayLogs.push(line) }),
      })
      gateways.push(await listen(app.fetch))
    }

    const root = (
      await api.request('/api/setup', {
        body: {
          email: 'root@acme.test',
          password: STRONG_PASSWORD,
          fullName: 'Root Admin',
          organizationName: 'Acme',
          workspaceName: 'Rocket',
        },
      })
    ).body.data as Session
    const me = (await api.request('/api/me', { token: root.accessToken })).body.data as { workspaces: { id: string }[] }
    rocket = me.workspaces[0]?.id as string
    const tokenFor = async (accessToken: string, workspaceId: string) => {
      const res = await api.request(`/api/workspaces/${workspaceId}/api-tokens`, {
        token: accessToken,
        body: { name: 'mcp' },
      })
      assert.equal(res.status, 201, JSON.stringify(res.body))
      return (res.body.data as { token: string }).token
    }
    adminToken = await tokenFor(root.accessToken, rocket)

    const invited = await api.request('/api/invitations', {
      token: root.accessToken,
      body: { email: 'dev@acme.test', fullName: 'Dev', role: 'user', workspaceIds: [rocket] },
    })
    assert.equal(invited.status, 201, JSON.stringify(invited.body))
    const accepted = await api.request('/api/invitations/accept', {
      body: {
        token: api.tokenFromLink(await api.lastLink('dev@acme.test')),
        fullName: 'Dev',
        password: STRONG_PASSWORD,
      },
    })
    userToken = await tokenFor((accepted.body.data as Session).accessToken, rocket)

    await api.request('/api/auth/signup', { body: { email: 'owner@globex.test', fullName: 'Owner' } })
    const confirm = api.tokenFromLink(await api.lastLink('owner@globex.test'))
    await api.request('/api/auth/confirm', { body: { token: confirm, password: STRONG_PASSWORD } })
    const first = (
      await api.request('/api/auth/login', { body: { email: 'owner@globex.test', password: STRONG_PASSWORD } })
    ).body.data as Session
    await api.request('/api/organizations', { token: first.accessToken, body: { name: 'Globex' } })
    const owner = (
      await api.request('/api/auth/login', { body: { email: 'owner@globex.test', password: STRONG_PASSWORD } })
    ).body.data as Session
    const theirs = (await api.request('/api/workspaces', { token: owner.accessToken, body: { name: 'Vault' } })).body
      .data as { id: string }
    globexToken = await tokenFor(owner.accessToken, theirs.id)

    const settings = await api.request('/api/mcp/settings', {
      method: 'PUT',
      token: adminToken,
      body: { instructions: 'Write work items in the imperative mood.' },
    })
    assert.equal(settings.status, 200, JSON.stringify(settings.body))
    await upload(
      adminToken,
      'refunds.md',
      '# Refund policy\n\nCustomers may ask for a refund within 30 days of purchase. Refunds go back to the original card.',
    )
    await upload(globexToken, 'vault.md', '# Vault\n\nThe Globex refund ledger lives in the vault.')
    await installDesk(
      adminToken,
      deskTemplate('ticket_desk', 'Ticket desk', { get: 'get_ticket', remove: 'delete_ticket' }),
      rocket,
    )
    await installDesk(
      globexToken,
      deskTemplate('globex_desk', 'Globex desk', { get: 'get_globex_ticket', remove: 'delete_globex_ticket' }),
      theirs.id,
    )
  })

  after(async () => {
    for (const client of clients) await client.close().catch(() => undefined)
    for (const gateway of gateways) await gateway.close()
    await apiServer?.close()
    await desk?.close()
    await handle?.drop()
  })

  it('initializes with a session id and the instructions: the preface, then the organization’s own', async () => {
    const { client, transport } = await connect(adminToken)
    assert.match(transport.sessionId ?? '', /^[0-9a-f]{32}$/)
    const instructions = client.getInstructions() ?? ''
    assert.ok(instructions.startsWith(INSTRUCTIONS_PREFACE))
    assert.ok(instructions.endsWith('Write work items in the imperative mood.'))
    assert.equal(client.getServerVersion()?.name, 'prodgy')
  })

  it('lists the core tools by role, then the workspace’s integration tools with their schemas', async () => {
    const admin = (await (await connect(adminToken)).client.listTools()).tools
    const adminNames = admin.map((t) => t.name)
    for (const name of ADMIN_TOOLS) assert.ok(adminNames.includes(name), `${name} is listed for the Super Admin`)
    assert.ok(!adminNames.includes('list_agents') && !adminNames.includes('invoke_agent'))
    const getTicket = admin.find((t) => t.name === 'get_ticket')
    assert.deepEqual(getTicket?.inputSchema, {
      type: 'object',
      properties: { key: { type: 'string' } },
      required: ['key'],
    })
    assert.equal(getTicket?.annotations?.readOnlyHint, true)
    assert.deepEqual(getTicket?.outputSchema?.required, ['key', 'title', 'state'])
    assert.ok(adminNames.includes('delete_ticket'))

    const user = (await (await connect(userToken)).client.listTools()).tools.map((t) => t.name)
    for (const name of ADMIN_TOOLS) assert.ok(!user.includes(name), `${name} is hidden from a user`)
    assert.ok(user.includes('search_knowledge') && user.includes('get_ticket'))
  })

  it('refuses an admin tool to a user even when called by name', async () => {
    const { client } = await connect(userToken)
    await client.callTool({ name: 'get_my_profile', arguments: {} })
    const refused = await client.callTool({ name: 'get_mcp_settings', arguments: {} })
    assert.equal(refused.isError, true)
    assert.match(text(refused, 0), /organization administrators/)
  })

  it('finds an imported document with search_knowledge', async () => {
    const { client } = await connect(userToken)
    await client.callTool({ name: 'get_my_profile', arguments: {} })
    await client.callTool({ name: 'get_workspace_info', arguments: {} })
    const result = await client.callTool({ name: 'search_knowledge', arguments: { query: 'refund', limit: 3 } })
    assert.equal(result.isError, undefined)
    assert.equal(contentCount(result), 1)
    const found = JSON.parse(text(result, 0)) as { hits: { documentName: string; content: string; score: number }[] }
    assert.equal(found.hits[0]?.documentName, 'refunds.md')
    assert.match(found.hits[0]?.content ?? '', /within 30 days/)
    assert.ok((found.hits[0]?.score ?? 0) > 0)
    const empty = await client.callTool({ name: 'search_knowledge', arguments: { query: '   ' } })
    assert.equal(empty.isError, true)
    assert.match(text(empty, 0), /query: Type something to search for/)
  })

  it('injects the profile and workspace on the first tool call of a session only', async () => {
    const { client } = await connect(userToken)
    const first = await client.callTool({ name: 'get_active_integrations', arguments: {} })
    assert.equal(contentCount(first), 3)
    const profile = JSON.parse(text(first, 0)) as {
      user: { email: string; role: string }
      organization: { name: string }
    }
    assert.equal(profile.user.email, 'dev@acme.test')
    assert.equal(profile.organization.name, 'Acme')
    const workspace = JSON.parse(text(first, 1)) as { workspace: { name: string; activeIntegrations: unknown[] } }
    assert.equal(workspace.workspace.name, 'Rocket')
    assert.equal(workspace.workspace.activeIntegrations.length, 1)
    const second = await client.callTool({ name: 'get_active_integrations', arguments: {} })
    assert.equal(contentCount(second), 1)

    // calling the bootstrap tools first means nothing is injected later
    const { client: polite } = await connect(userToken)
    const own = await polite.callTool({ name: 'get_my_profile', arguments: {} })
    assert.equal(contentCount(own), 1)
    assert.equal((JSON.parse(text(own, 0)) as { user: { fullName: string } }).user.fullName, 'Dev')
    const later = await polite.callTool({ name: 'search_knowledge', arguments: { query: 'refund' } })
    assert.equal(contentCount(later), 1)
  })

  it('calls an integration tool: structured content from the service, through the API', async () => {
    const { client } = await connect(userToken)
    await client.callTool({ name: 'get_my_profile', arguments: {} })
    const before = desk.received.length
    const result = await client.callTool({ name: 'get_ticket', arguments: { key: 'OPS-1' } })
    assert.equal(result.isError, undefined)
    assert.deepEqual(result.structuredContent, { key: 'OPS-1', title: 'Renew the certificate', state: 'open' })
    assert.deepEqual(desk.received.slice(before), [{ method: 'GET', url: '/tickets/OPS-1', body: undefined }])
    const missing = await client.callTool({ name: 'get_ticket', arguments: { key: 'OPS-404' } })
    assert.equal(missing.isError, true)
    assert.ok(!text(missing, 0).includes('at '), 'no stack trace')
  })

  it('asks for confirmation before a destructive call, then acts with _confirm: true', async () => {
    const prefs = await api.request('/api/me/ai-preferences', {
      method: 'PUT',
      token: userToken,
      body: { directive: 'Be brief.', confirmDestructiveActions: true },
    })
    assert.equal(prefs.status, 200, JSON.stringify(prefs.body))
    const { client } = await connect(userToken)
    await client.callTool({ name: 'get_my_profile', arguments: {} })
    const tools = (await client.listTools()).tools
    const confirmOf = (name: string) =>
      ((tools.find((t) => t.name === name)?.inputSchema.properties ?? {}) as Record<string, { type?: string }>)._confirm
    assert.equal(confirmOf('delete_ticket')?.type, 'boolean')
    assert.equal(confirmOf('update_my_ai_preferences')?.type, 'boolean')
    assert.equal(confirmOf('get_ticket'), undefined)

    const before = desk.received.length
    const refused = await client.callTool({ name: 'delete_ticket', arguments: { key: 'OPS-1' } })
    assert.equal(refused.isError, true)
    assert.match(text(refused, 0), /delete_ticket with \{"key":"OPS-1"\}/)
    assert.match(text(refused, 0), /"_confirm": true/)
    assert.equal(desk.received.length, before, 'nothing reached the service')

    const done = await client.callTool({ name: 'delete_ticket', arguments: { key: 'OPS-1', _confirm: true } })
    assert.equal(done.isError, undefined, text(done, 0))
    assert.deepEqual(desk.received.slice(before), [{ method: 'DELETE', url: '/tickets/OPS-1', body: undefined }])
    assert.deepEqual(JSON.parse(text(done, 0)), { deleted: 'OPS-1' })

    // turning the guard off goes through the guard itself
    const off = await client.callTool({
      name: 'update_my_ai_preferences',
      arguments: { confirmDestructiveActions: false, _confirm: true },
    })
    assert.equal(off.isError, undefined, text(off, 0))
    assert.deepEqual(JSON.parse(text(off, 0)), {
      aiPreferences: { directive: 'Be brief.', confirmDestructiveActions: false },
    })
    const after = (await client.listTools()).tools.find((t) => t.name === 'delete_ticket')
    assert.ok(after && !('_confirm' in (after.inputSchema.properties ?? {})))
    // with the guard off, calls go straight to the API, which knows which tools exist
    const unknown = await client.callTool({ name: 'close_ticket', arguments: { key: 'OPS-2' } })
    assert.equal(unknown.isError, true)
    assert.match(text(unknown, 0), /No active integration of this workspace provides the tool close_ticket/)
  })

  it('answers 401 with WWW-Authenticate without a token or with a revoked one', async () => {
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' })
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }
    const anonymous = await fetch(`${gateways[0]?.url}/mcp`, { method: 'POST', headers, body })
    assert.equal(anonymous.status, 401)
    assert.equal(
      anonymous.headers.get('www-authenticate'),
      'Bearer resource_metadata="http://prodgy.test/.well-known/oauth-protected-resource/mcp"',
    )
    const wrong = await fetch(`${gateways[0]?.url}/mcp`, {
      method: 'POST',
      headers: { ...headers, authorization: 'Bearer prodgy_notarealtoken0123456789abcdef' },
      body,
    })
    assert.equal(wrong.status, 401)
    assert.match(wrong.headers.get('www-authenticate') ?? '', /^Bearer error="invalid_token", resource_metadata="/)
    await assert.rejects(connect(undefined), /Authentication required/)
  })

  it('serves one client from two replicas in turn, the session carried by the client alone', async () => {
    const { client, transport, hits } = await connect(userToken, {
      baseUrls: [gateways[0]?.url as string, gateways[1]?.url as string],
    })
    const first = await client.callTool({ name: 'search_knowledge', arguments: { query: 'refund' } })
    const second = await client.callTool({ name: 'search_knowledge', arguments: { query: 'refund' } })
    const tools = await client.listTools()
    assert.ok(tools.tools.length > 0)
    assert.equal(new Set(hits).size, 2, 'both replicas answered')
    assert.equal(contentCount(first), 3, 'the first call got the context')
    assert.equal(contentCount(second), 1, 'the other replica knew it was delivered')
    assert.match(transport.sessionId ?? '', /^[0-9a-f]{32}$/)
  })

  it("never shows one organization's integrations, tools or documents to another", async () => {
    const { client } = await connect(globexToken)
    await client.callTool({ name: 'get_my_profile', arguments: {} })
    const names = (await client.listTools()).tools.map((t) => t.name)
    assert.ok(names.includes('get_globex_ticket'))
    assert.ok(!names.includes('get_ticket') && !names.includes('delete_ticket'))
    const installed = JSON.parse(text(await client.callTool({ name: 'list_installed_integrations', arguments: {} }), 0))
    assert.deepEqual(
      (installed as { items: { title: string }[] }).items.map((i) => i.title),
      ['Globex desk'],
    )
    const found = JSON.parse(
      text(await client.callTool({ name: 'search_knowledge', arguments: { query: 'refund' } }), 0),
    )
    assert.deepEqual(
      (found as { hits: { documentName: string }[] }).hits.map((h) => h.documentName),
      ['vault.md'],
    )
    const theirs = await client.callTool({ name: 'get_ticket', arguments: { key: 'OPS-1' } })
    assert.equal(theirs.isError, true)
    assert.match(text(theirs, 0), /Unknown tool: get_ticket/)
    // the other organization's session id cannot be borrowed to skip or read its context
    const acme = await connect(userToken)
    await acme.client.callTool({ name: 'get_my_profile', arguments: {} })
    const borrowed = await fetch(`${gateways[0]?.url}/mcp`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        authorization: `Bearer ${globexToken}`,
        'mcp-session-id': acme.transport.sessionId as string,
        'mcp-protocol-version': '2025-11-25',
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 7,
        method: 'tools/call',
        params: { name: 'search_knowledge', arguments: { query: 'refund' } },
      }),
    })
    const answer = (await borrowed.json()) as { result: CallToolResult }
    const blocks = answer.result.content.map((c) => (c as { text: string }).text)
    assert.ok(blocks.every((b) => !b.includes('dev@acme.test') && !b.includes('Rocket')))
  })

  it('keeps tokens out of its logs', () => {
    const joined = gatewayLogs.join('\n')
    assert.ok(joined.includes('"msg":"mcp request"'))
    for (const secret of [adminToken, userToken, globexToken, SERVICE_KEY, DESK_TOKEN]) {
      assert.ok(!joined.includes(secret), 'a secret reached a log line')
    }
  })
})

describe('MCP Gateway in the prodgy command', () => {
  let platform: RunningPlatform | undefined

  after(async () => {
    await platform?.close()
  })

  it('prodgy gateway refuses to start without PRODGY_API_TOKEN, saying why', () => {
    const run = spawnSync(process.execPath, [PRODGY_BIN, 'gateway'], {
      cwd: ROOT,
      env: isolatedEnv({ PRODGY_GATEWAY_PORT: '1' }),
      encoding: 'utf8',
      timeout: 60_000,
    })
    assert.equal(run.status, 1, run.stderr)
    assert.match(run.stderr, /The Gateway needs PRODGY_API_TOKEN/)
  })

  it('prodgy start answers MCP at /mcp on its front door, with a key of its own', async () => {
    platform = await startPlatformServer()
    const { baseUrl } = platform
    const setup = await callJson<{ data: Session }>(baseUrl, 'POST', '/api/setup', {
      body: {
        email: 'root@solo.test',
        password: STRONG_PASSWORD,
        fullName: 'Solo',
        organizationName: 'Solo',
        workspaceName: 'Main',
      },
    })
    assert.equal(setup.status, 201, JSON.stringify(setup.json))
    const me = await callJson<{ data: { workspaces: { id: string }[] } }>(baseUrl, 'GET', '/api/me', {
      token: setup.json.data.accessToken,
    })
    const created = await callJson<{ data: { token: string } }>(
      baseUrl,
      'POST',
      `/api/workspaces/${me.json.data.workspaces[0]?.id}/api-tokens`,
      { token: setup.json.data.accessToken, body: { name: 'claude' } },
    )
    const metadata = await callJson<{ resource: string }>(baseUrl, 'GET', '/.well-known/oauth-protected-resource/mcp')
    assert.equal(metadata.json.resource, `${baseUrl}/mcp`)

    const transport = new StreamableHTTPClientTransport(new URL(`${baseUrl}/mcp`), {
      requestInit: { headers: { Authorization: `Bearer ${created.json.data.token}` } },
    })
    const client = new Client({ name: 'gateway-test', version: '1.0.0' })
    await client.connect(transport)
    try {
      const profile = await client.callTool({ name: 'get_my_profile', arguments: {} })
      assert.equal((JSON.parse(text(profile, 0)) as { user: { email: string } }).user.email, 'root@solo.test')
      const names = (await client.listTools()).tools.map((t) => t.name)
      assert.ok(names.includes('update_mcp_settings'))
    } finally {
      await client.close()
    }
  })
})
