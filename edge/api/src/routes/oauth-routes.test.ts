import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { s256Challenge } from '@prodgy/core'
import { type TestDatabaseHandle, testDatabaseKinds } from '@prodgy/core/testing/databases'
import { createTestApi, STRONG_PASSWORD, type TestApi } from '../testing/harness.ts'

type Session = { accessToken: string; user: { id: string } }
type Tokens = { access_token: string; refresh_token: string; scope: string; token_type: string; expires_in: number }
type ConnectedApp = { id: string; clientName: string; userName: string; scopes: string[]; usageCount: number }

const REDIRECT = 'http://127.0.0.1:53682/callback'
const VERIFIER = 'a-verifier-that-is-long-enough-to-be-valid-0123456789'

for (const kind of testDatabaseKinds()) {
  describe(`OAuth routes on ${kind.name}`, { skip: kind.skip }, () => {
    let handle: TestDatabaseHandle
    let api: TestApi
    let root: Session
    let member: Session
    let workspaceId: string
    let organizationId: string
    let clientId: string
    let challenge: string

    const raw = (path: string, init: RequestInit = {}) => api.app.request(path, init)
    const form = (path: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
      raw(path, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: new URLSearchParams(fields).toString(),
      })
    const authorizeQuery = (extra: Record<string, string> = {}) =>
      new URLSearchParams({
        response_type: 'code',
        client_id: clientId,
        redirect_uri: REDIRECT,
        code_challenge: challenge,
        code_challenge_method: 'S256',
        state: 'xyz',
        resource: 'http://prodgy.test/mcp',
        ...extra,
      })

    /** Approves as `session` and exchanges the code; returns the tokens. */
    async function connect(
      session: Session,
      scopes: string[],
      scope = 'mcp:read mcp:write mcp:execute',
    ): Promise<Tokens> {
      const query = Object.fromEntries(authorizeQuery({ scope }))
      const consent = await api.request('/api/oauth/consent', {
        token: session.accessToken,
        body: { ...query, organizationId, workspaceId, scopes, approve: true },
      })
      assert.equal(consent.status, 200, JSON.stringify(consent.body))
      const code = new URL((consent.body.data as { redirectTo: string }).redirectTo).searchParams.get('code') as string
      const res = await form('/oauth/token', {
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT,
        code_verifier: VERIFIER,
        client_id: clientId,
      })
      assert.equal(res.status, 200)
      return (await res.json()) as Tokens
    }

    before(async () => {
      handle = await kind.create({ migrated: true })
      api = await createTestApi(handle.db)
      root = (
        await api.request('/api/setup', {
          body: {
            email: 'root@acme.test',
            password: STRONG_PASSWORD,
            fullName: 'Root',
            organizationName: 'Acme',
            workspaceName: 'Rocket',
          },
        })
      ).body.data as Session
      const me = (await api.request('/api/me', { token: root.accessToken })).body.data as {
        workspaces: { id: string }[]
        currentOrganizationId: string
      }
      workspaceId = me.workspaces[0]?.id as string
      organizationId = me.currentOrganizationId
      const invited = await api.request('/api/invitations', {
        token: root.accessToken,
        body: { email: 'member@acme.test', role: 'user', workspaceIds: [workspaceId] },
      })
      assert.equal(invited.status, 201, JSON.stringify(invited.body))
      const token = api.tokenFromLink(await api.lastLink('member@acme.test'))
      member = (
        await api.request('/api/invitations/accept', {
          body: { token, fullName: 'Mia Member', password: STRONG_PASSWORD },
        })
      ).body.data as Session
      challenge = await s256Challenge(VERIFIER)
    })
    after(async () => {
      await handle?.drop()
    })

    it('publishes authorization server metadata (RFC 8414) to any origin', async () => {
      const res = await raw('/.well-known/oauth-authorization-server', { headers: { origin: 'https://claude.ai' } })
      assert.equal(res.status, 200)
      assert.equal(res.headers.get('access-control-allow-origin'), '*')
      const metadata = (await res.json()) as Record<string, unknown>
      assert.equal(metadata.issuer, 'http://prodgy.test')
      assert.equal(metadata.authorization_endpoint, 'http://prodgy.test/oauth/authorize')
      assert.equal(metadata.token_endpoint, 'http://prodgy.test/oauth/token')
      assert.equal(metadata.registration_endpoint, 'http://prodgy.test/oauth/register')
      assert.equal(metadata.revocation_endpoint, 'http://prodgy.test/oauth/revoke')
      assert.deepEqual(metadata.code_challenge_methods_supported, ['S256'])
      assert.deepEqual(metadata.grant_types_supported, ['authorization_code', 'refresh_token'])
      assert.deepEqual(metadata.response_types_supported, ['code'])
      assert.deepEqual(metadata.token_endpoint_auth_methods_supported, [
        'none',
        'client_secret_post',
        'client_secret_basic',
      ])
      assert.equal((metadata.scopes_supported as string[]).length, 8)
      const preflight = await raw('/oauth/token', {
        method: 'OPTIONS',
        headers: {
          origin: 'https://claude.ai',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type',
        },
      })
      assert.equal(preflight.status, 204)
      assert.equal(preflight.headers.get('access-control-allow-origin'), '*')
    })

    it('registers clients and refuses bad redirect URIs in the RFC 7591 error shape', async () => {
      const post = (body: unknown) =>
        raw('/oauth/register', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        })
      const bad = await post({ client_name: 'Bad', redirect_uris: ['http://app.example/cb'] })
      assert.equal(bad.status, 400)
      const error = (await bad.json()) as { error: string; error_description: string }
      assert.equal(error.error, 'invalid_redirect_uri')
      assert.match(error.error_description, /only for 127\.0\.0\.1, localhost or \[::1\]/)
      const notJson = await raw('/oauth/register', { method: 'POST', body: 'redirect_uris=x' })
      assert.equal(((await notJson.json()) as { error: string }).error, 'invalid_client_metadata')

      const ok = await post({
        client_name: 'Claude Code',
        client_uri: 'https://claude.example',
        redirect_uris: ['http://127.0.0.1/callback', 'cursor://anysphere.cursor-mcp/oauth/callback'],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'none',
      })
      assert.equal(ok.status, 201)
      assert.equal(ok.headers.get('access-control-allow-origin'), '*')
      const client = (await ok.json()) as Record<string, unknown>
      assert.match(client.client_id as string, /^pgc_/)
      assert.equal(client.client_secret, undefined)
      assert.equal(client.token_endpoint_auth_method, 'none')
      assert.deepEqual(client.redirect_uris, [
        'http://127.0.0.1/callback',
        'cursor://anysphere.cursor-mcp/oauth/callback',
      ])
      clientId = client.client_id as string
    })

    it('authorize: errors about the client are a page, the rest go back to the client, valid requests go to consent', async () => {
      const unknown = await raw(`/oauth/authorize?${authorizeQuery({ client_id: 'pgc_0000000000000000000000' })}`)
      assert.equal(unknown.status, 400)
      assert.match(unknown.headers.get('content-type') ?? '', /text\/html/)
      assert.match(await unknown.text(), /not registered here/)
      const wrongRedirect = await raw(`/oauth/authorize?${authorizeQuery({ redirect_uri: 'https://evil.example/cb' })}`)
      assert.equal(wrongRedirect.status, 400)
      assert.equal(wrongRedirect.headers.get('location'), null)

      const noPkce = authorizeQuery()
      noPkce.delete('code_challenge')
      const refused = await raw(`/oauth/authorize?${noPkce}`)
      assert.equal(refused.status, 302)
      const back = new URL(refused.headers.get('location') as string)
      assert.equal(`${back.origin}${back.pathname}`, REDIRECT)
      assert.equal(back.searchParams.get('error'), 'invalid_request')
      assert.equal(back.searchParams.get('state'), 'xyz')
      assert.match(back.searchParams.get('error_description') ?? '', /PKCE/)
      const badResource = await raw(`/oauth/authorize?${authorizeQuery({ resource: 'https://other.example/mcp' })}`)
      assert.equal(new URL(badResource.headers.get('location') as string).searchParams.get('error'), 'invalid_target')

      const query = authorizeQuery()
      const ok = await raw(`/oauth/authorize?${query}`)
      assert.equal(ok.status, 302)
      assert.equal(ok.headers.get('location'), `http://prodgy.test/oauth/consent?${query}`)
    })

    it('consent: details for a signed-in person only, then a code on the redirect URI or access_denied', async () => {
      const query = authorizeQuery({ scope: 'mcp:read mcp:write mcp:admin' })
      assert.equal((await api.request(`/api/oauth/consent?${query}`)).status, 401)
      const details = await api.request(`/api/oauth/consent?${query}`, { token: member.accessToken })
      assert.equal(details.status, 200, JSON.stringify(details.body))
      assert.deepEqual(details.body.data, {
        client: { id: clientId, name: 'Claude Code', uri: 'https://claude.example', logoUri: null },
        requestedScopes: ['mcp:read', 'mcp:write', 'mcp:admin'],
        organizations: [
          { id: organizationId, name: 'Acme', role: 'user', workspaces: [{ id: workspaceId, name: 'Rocket' }] },
        ],
      })
      const bad = await api.request(`/api/oauth/consent?${authorizeQuery({ scope: 'everything' })}`, {
        token: member.accessToken,
      })
      assert.equal(bad.status, 400)
      assert.equal(bad.body.error, 'invalid_scope')

      const decide = (token: string, extra: Record<string, unknown>) =>
        api.request('/api/oauth/consent', {
          token,
          body: { ...Object.fromEntries(query), organizationId, workspaceId, ...extra },
        })
      const adminScope = await decide(member.accessToken, { scopes: ['mcp:read', 'mcp:admin'], approve: true })
      assert.equal(adminScope.status, 403)
      assert.equal(adminScope.body.error, 'admin_scope_forbidden')
      const denied = await decide(member.accessToken, { approve: false })
      const deniedUrl = new URL((denied.body.data as { redirectTo: string }).redirectTo)
      assert.equal(deniedUrl.searchParams.get('error'), 'access_denied')
      assert.equal(deniedUrl.searchParams.get('state'), 'xyz')

      const approved = await decide(member.accessToken, { scopes: ['mcp:read', 'mcp:write'], approve: true })
      assert.equal(approved.status, 200)
      const url = new URL((approved.body.data as { redirectTo: string }).redirectTo)
      assert.match(url.searchParams.get('code') ?? '', /^[A-Za-z0-9_-]{43}$/)
      assert.equal(url.searchParams.get('iss'), 'http://prodgy.test')
    })

    it('token: form-encoded or JSON, PKCE checked, single-use codes, RFC 6749 errors, no-store', async () => {
      const query = Object.fromEntries(authorizeQuery())
      const consent = await api.request('/api/oauth/consent', {
        token: root.accessToken,
        body: { ...query, organizationId, workspaceId, approve: true },
      })
      const code = new URL((consent.body.data as { redirectTo: string }).redirectTo).searchParams.get('code') as string
      const fields = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, client_id: clientId }

      const wrong = await form('/oauth/token', { ...fields, code_verifier: `${VERIFIER}x` })
      assert.equal(wrong.status, 400)
      assert.equal(wrong.headers.get('cache-control'), 'no-store')
      assert.equal(((await wrong.json()) as { error: string }).error, 'invalid_grant')
      const noClient = await form('/oauth/token', { ...fields, client_id: '', code_verifier: VERIFIER })
      assert.equal(noClient.status, 401)
      assert.equal(((await noClient.json()) as { error: string }).error, 'invalid_client')
      const unsupported = await form('/oauth/token', { grant_type: 'client_credentials', client_id: clientId })
      assert.equal(((await unsupported.json()) as { error: string }).error, 'unsupported_grant_type')

      const ok = await raw('/oauth/token', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...fields, code_verifier: VERIFIER }),
      })
      assert.equal(ok.status, 200)
      assert.equal(ok.headers.get('cache-control'), 'no-store')
      const tokens = (await ok.json()) as Tokens
      assert.equal(tokens.token_type, 'Bearer')
      assert.equal(tokens.scope, 'mcp:read mcp:write mcp:execute')
      assert.equal((await api.request('/api/me', { token: tokens.access_token })).status, 200)

      const again = await form('/oauth/token', { ...fields, code_verifier: VERIFIER })
      assert.equal(again.status, 400)
      assert.equal(((await again.json()) as { error: string }).error, 'invalid_grant')
      const afterReuse = await api.request('/api/me', { token: tokens.access_token })
      assert.equal(afterReuse.status, 401)
      assert.equal(afterReuse.body.error, 'token_revoked')
    })

    it('an OAuth token is bound to its workspace and limited by its scopes', async () => {
      const readOnly = await connect(member, ['mcp:read'])
      const me = await api.request('/api/me', { token: readOnly.access_token })
      assert.equal(me.status, 200)
      assert.deepEqual(
        (me.body.data as { workspaces: { id: string }[] }).workspaces.map((w) => w.id),
        [workspaceId],
      )
      const write = await api.request('/api/me/ai-preferences', {
        method: 'PUT',
        token: readOnly.access_token,
        body: { directive: 'Be brief.', confirmDestructiveActions: true },
      })
      assert.equal(write.status, 403)
      assert.equal(write.body.error, 'insufficient_scope')
      assert.match(write.body.message ?? '', /mcp:write or api:write/)

      const writer = await connect(member, ['mcp:read', 'mcp:write'])
      const allowed = await api.request('/api/me/ai-preferences', {
        method: 'PUT',
        token: writer.access_token,
        body: { directive: 'Be brief.', confirmDestructiveActions: true },
      })
      assert.equal(allowed.status, 200, JSON.stringify(allowed.body))
      // account and token management stay with people in a session
      const tokens = await api.request(`/api/workspaces/${workspaceId}/api-tokens`, {
        token: writer.access_token,
        body: { name: 'From an app' },
      })
      assert.equal(tokens.status, 403)
      assert.equal(tokens.body.error, 'session_required')
      const apps = await api.request('/api/connected-apps', { token: writer.access_token })
      assert.equal(apps.body.error, 'session_required')

      // an administrator's app without mcp:admin cannot do admin work
      const adminApp = await connect(root, ['mcp:read', 'mcp:write'])
      const patch = (token: string) =>
        api.request(`/api/workspaces/${workspaceId}`, {
          method: 'PATCH',
          token,
          body: { description: 'Changed by an app' },
        })
      const refused = await patch(adminApp.access_token)
      assert.equal(refused.status, 403)
      assert.equal(refused.body.error, 'insufficient_scope')
      const withAdmin = await connect(root, ['mcp:read', 'mcp:write', 'mcp:admin'], 'mcp:read mcp:write mcp:admin')
      const patched = await patch(withAdmin.access_token)
      assert.equal(patched.status, 200, JSON.stringify(patched.body))
      const other = await api.request('/api/workspaces', { token: root.accessToken, body: { name: 'Other' } })
      const elsewhere = await api.request(`/api/workspaces/${(other.body.data as { id: string }).id}`, {
        token: withAdmin.access_token,
      })
      assert.equal(elsewhere.status, 403)
      assert.equal(elsewhere.body.error, 'token_workspace_mismatch')
    })

    it('refresh rotates; revoke always answers 200 and ends the chain', async () => {
      const first = await connect(member, ['mcp:read'])
      const refreshed = await form('/oauth/token', {
        grant_type: 'refresh_token',
        refresh_token: first.refresh_token,
        client_id: clientId,
      })
      assert.equal(refreshed.status, 200)
      const second = (await refreshed.json()) as Tokens
      assert.notEqual(second.refresh_token, first.refresh_token)
      assert.equal((await api.request('/api/me', { token: second.access_token })).status, 200)

      const unknown = await form('/oauth/revoke', { token: 'pgor_nothing', client_id: clientId })
      assert.equal(unknown.status, 200)
      const revoked = await form('/oauth/revoke', {
        token: second.refresh_token,
        token_type_hint: 'refresh_token',
        client_id: clientId,
      })
      assert.equal(revoked.status, 200)
      assert.equal((await api.request('/api/me', { token: second.access_token })).status, 401)
    })

    it('connected apps: people see their own, admins the whole workspace; revoking ends every token at once', async () => {
      const tokens = await connect(member, ['mcp:read'])
      await api.request('/api/me', { token: tokens.access_token })
      const own = await api.request(`/api/connected-apps?workspaceId=${workspaceId}`, { token: member.accessToken })
      assert.equal(own.status, 200)
      const mine = (own.body.data as { items: ConnectedApp[] }).items
      assert.equal(mine.length, 1)
      assert.equal(mine[0]?.clientName, 'Claude Code')
      assert.equal(mine[0]?.userName, 'Mia Member')
      assert.deepEqual(mine[0]?.scopes, ['mcp:read'])
      assert.ok((mine[0]?.usageCount ?? 0) >= 1)
      const all = await api.request(`/api/connected-apps?workspaceId=${workspaceId}`, { token: root.accessToken })
      const everyone = (all.body.data as { items: ConnectedApp[] }).items
      assert.deepEqual([...new Set(everyone.map((a) => a.userName))].sort(), ['Mia Member', 'Root'])

      const rootGrant = everyone.find((a) => a.userName === 'Root')?.id as string
      const forbidden = await api.request(`/api/connected-apps/${rootGrant}`, {
        method: 'DELETE',
        token: member.accessToken,
      })
      assert.equal(forbidden.status, 403)
      const gone = await api.request(`/api/connected-apps/${mine[0]?.id}`, {
        method: 'DELETE',
        token: member.accessToken,
      })
      assert.equal(gone.status, 200)
      const after = await api.request('/api/me', { token: tokens.access_token })
      assert.equal(after.status, 401)
      const refresh = await form('/oauth/token', {
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token,
        client_id: clientId,
      })
      assert.equal(((await refresh.json()) as { error: string }).error, 'invalid_grant')
      const audit = await api.request('/api/audit-log?pageSize=100', { token: root.accessToken })
      assert.equal(audit.status, 200)
      const actions = (audit.body.data as { items: { action: string }[] }).items.map((i) => i.action)
      assert.ok(actions.includes('oauth.app_authorized'))
      assert.ok(actions.includes('oauth.app_revoked'))
    })

    it('rate-limits client registration and the token endpoint per address', async () => {
      const limited = await createTestApi(handle.db, { authLimit: { limit: 2, windowSeconds: 60 } })
      const register = () =>
        limited.app.request('/oauth/register', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none' }),
        })
      assert.equal((await register()).status, 201)
      assert.equal((await register()).status, 201)
      const third = await register()
      assert.equal(third.status, 429)
      assert.ok(third.headers.get('retry-after'))
      // metadata is never limited
      assert.equal((await limited.app.request('/.well-known/oauth-authorization-server')).status, 200)
    })
  })
}
