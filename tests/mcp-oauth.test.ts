/**
 * An MCP client connects to `prodgy start` knowing only the MCP URL, the way Claude Code or Cursor do: the MCP
 * SDK's own OAuth support discovers the authorization server from the Gateway's 401, registers itself, sends the
 * person to authorize (here the test plays the person: it follows the redirect to the consent page and approves
 * through the consent API with a session of its own), exchanges the code with PKCE, lists tools, refreshes, and
 * stops working once the app is revoked under Connected Apps.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { auth, type OAuthClientProvider, UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from '@modelcontextprotocol/sdk/shared/auth.js'
import { callJson, type RunningPlatform, startPlatformServer } from './support/servers.ts'

const PASSWORD = 'Correct-Horse-9'
const REDIRECT_URL = 'http://127.0.0.1:33418/oauth/callback'

type Session = { accessToken: string; user: { id: string } }

/** What an MCP client keeps between runs, in memory; `authorizationUrl` is where it would open the browser. */
class MemoryOAuthProvider implements OAuthClientProvider {
  client: OAuthClientInformationMixed | undefined
  saved: OAuthTokens | undefined
  verifier = ''
  authorizationUrl: URL | undefined
  readonly redirectUrl = REDIRECT_URL
  readonly clientMetadata: OAuthClientMetadata = {
    client_name: 'Test MCP Client',
    client_uri: 'https://client.example',
    redirect_uris: [REDIRECT_URL],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
  }
  state() {
    return 'state-42'
  }
  clientInformation() {
    return this.client
  }
  saveClientInformation(info: OAuthClientInformationMixed) {
    this.client = info
  }
  tokens() {
    return this.saved
  }
  saveTokens(tokens: OAuthTokens) {
    this.saved = tokens
  }
  redirectToAuthorization(url: URL) {
    this.authorizationUrl = url
  }
  saveCodeVerifier(verifier: string) {
    this.verifier = verifier
  }
  codeVerifier() {
    return this.verifier
  }
  invalidateCredentials(scope: 'all' | 'client' | 'tokens' | 'verifier' | 'discovery') {
    if (scope === 'all' || scope === 'tokens') this.saved = undefined
    if (scope === 'all' || scope === 'client') this.client = undefined
  }
}

describe('MCP client OAuth against prodgy start', () => {
  let platform: RunningPlatform
  let baseUrl: string
  let mcpUrl: URL
  let admin: Session
  let workspaceId: string
  const provider = new MemoryOAuthProvider()
  const requests: string[] = []
  const recordingFetch: typeof fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input))
    const response = await fetch(input, { ...init, signal: init?.signal ?? AbortSignal.timeout(15_000) })
    requests.push(
      `${init?.method ?? (input instanceof Request ? input.method : 'GET')} ${url.pathname} ${response.status}`,
    )
    return response
  }
  const connect = async () => {
    const client = new Client({ name: 'oauth-test', version: '1.0.0' })
    const transport = new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider, fetch: recordingFetch })
    await client.connect(transport)
    return client
  }

  before(async () => {
    platform = await startPlatformServer()
    baseUrl = platform.baseUrl
    mcpUrl = new URL(`${baseUrl}/mcp`)
    const setup = await callJson<{ data: Session }>(baseUrl, 'POST', '/api/setup', {
      body: {
        email: 'ada@acme.test',
        password: PASSWORD,
        fullName: 'Ada',
        organizationName: 'Acme',
        workspaceName: 'Rocket',
      },
    })
    assert.equal(setup.status, 201, JSON.stringify(setup.json))
    admin = setup.json.data
    const me = await callJson<{ data: { workspaces: { id: string }[] } }>(baseUrl, 'GET', '/api/me', {
      token: admin.accessToken,
    })
    workspaceId = me.json.data.workspaces[0]?.id as string
  })
  after(async () => {
    await platform?.close()
  })

  it('discovers, registers and sends the person to authorize', async () => {
    await assert.rejects(connect(), UnauthorizedError)
    assert.deepEqual(requests.slice(0, 4), [
      'POST /mcp 401',
      'GET /.well-known/oauth-protected-resource/mcp 200',
      'GET /.well-known/oauth-authorization-server 200',
      'POST /oauth/register 201',
    ])
    assert.match(provider.client?.client_id ?? '', /^pgc_/)
    const url = provider.authorizationUrl as URL
    assert.equal(`${url.origin}${url.pathname}`, `${baseUrl}/oauth/authorize`)
    assert.equal(url.searchParams.get('code_challenge_method'), 'S256')
    assert.equal(url.searchParams.get('resource'), `${baseUrl}/mcp`)
    assert.equal(url.searchParams.get('scope'), 'mcp:read mcp:write mcp:execute mcp:admin')
  })

  it('the person approves on the consent page; the client exchanges the code with PKCE and lists tools', async () => {
    const authorize = await fetch(provider.authorizationUrl as URL, {
      redirect: 'manual',
      signal: AbortSignal.timeout(10_000),
    })
    assert.equal(authorize.status, 302)
    const consentUrl = new URL(authorize.headers.get('location') as string)
    assert.equal(`${consentUrl.origin}${consentUrl.pathname}`, `${baseUrl}/oauth/consent`)
    const query = Object.fromEntries(consentUrl.searchParams)

    const details = await callJson<{ data: { client: { name: string }; requestedScopes: string[] } }>(
      baseUrl,
      'GET',
      `/api/oauth/consent${consentUrl.search}`,
      { token: admin.accessToken },
    )
    assert.equal(details.status, 200, JSON.stringify(details.json))
    assert.equal(details.json.data.client.name, 'Test MCP Client')
    const organizationId = (
      await callJson<{ data: { currentOrganizationId: string } }>(baseUrl, 'GET', '/api/me', {
        token: admin.accessToken,
      })
    ).json.data.currentOrganizationId
    const decided = await callJson<{ data: { redirectTo: string } }>(baseUrl, 'POST', '/api/oauth/consent', {
      token: admin.accessToken,
      body: { ...query, organizationId, workspaceId, scopes: ['mcp:read', 'mcp:write', 'mcp:execute'], approve: true },
    })
    assert.equal(decided.status, 200, JSON.stringify(decided.json))
    const back = new URL(decided.json.data.redirectTo)
    assert.equal(`${back.origin}${back.pathname}`, REDIRECT_URL)
    assert.equal(back.searchParams.get('state'), 'state-42')

    const transport = new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider, fetch: recordingFetch })
    await transport.finishAuth(back.searchParams.get('code') as string)
    assert.match(provider.saved?.access_token ?? '', /^pgoa_/)
    assert.match(provider.saved?.refresh_token ?? '', /^pgor_/)
    assert.equal(provider.saved?.scope, 'mcp:read mcp:write mcp:execute')

    const client = await connect()
    const { tools } = await client.listTools()
    const names = tools.map((t) => t.name)
    assert.ok(names.includes('get_my_profile'), names.join(', '))
    // without mcp:admin the admin tools are not offered, although the person is an administrator
    assert.ok(!names.includes('update_mcp_settings'), names.join(', '))
    await client.close()
  })

  it('refreshes with rotation and keeps working', async () => {
    const before = provider.saved as OAuthTokens
    assert.equal(await auth(provider, { serverUrl: mcpUrl, fetchFn: recordingFetch }), 'AUTHORIZED')
    const after = provider.saved as OAuthTokens
    assert.notEqual(after.access_token, before.access_token)
    assert.notEqual(after.refresh_token, before.refresh_token)
    const client = await connect()
    assert.ok((await client.listTools()).tools.length > 0)
    await client.close()
  })

  it('revoking the app under Connected Apps ends its access at once', async () => {
    const client = await connect()
    const apps = await callJson<{ data: { items: { id: string; clientName: string; usageCount: number }[] } }>(
      baseUrl,
      'GET',
      `/api/connected-apps?workspaceId=${workspaceId}`,
      { token: admin.accessToken },
    )
    assert.equal(apps.status, 200)
    const app = apps.json.data.items.find((a) => a.clientName === 'Test MCP Client')
    assert.ok(app && app.usageCount > 0, JSON.stringify(apps.json))
    const revoked = await callJson(baseUrl, 'DELETE', `/api/connected-apps/${app.id}`, { token: admin.accessToken })
    assert.equal(revoked.status, 200)

    const raw = await fetch(mcpUrl, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${provider.saved?.access_token}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
      signal: AbortSignal.timeout(10_000),
    })
    assert.equal(raw.status, 401)
    assert.match(raw.headers.get('www-authenticate') ?? '', /error="invalid_token"/)
    await raw.body?.cancel()
    // the client's refresh is refused too, so it can only ask the person again
    provider.authorizationUrl = undefined
    await assert.rejects(client.listTools(), UnauthorizedError)
    assert.ok(provider.authorizationUrl, 'the client starts a new authorization')
    await client.close()
  })
})
