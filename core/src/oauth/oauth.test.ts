import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Principal } from '../auth/principal.ts'
import { AppError } from '../errors.ts'
import type { Platform } from '../services/platform.ts'
import { resolvePrincipal } from '../services/principal-resolver.ts'
import { type TestDatabaseHandle, testDatabaseKinds } from '../testing/databases.ts'
import { createTenant, principalFor, type TestTenant, testPlatform } from '../testing/tenants.ts'
import { checkAuthorizationRequest, decideConsent, getConsentDetails } from './authorize.ts'
import { redirectUriMatches, redirectUriProblem, registerClient } from './clients.ts'
import { OAuthError } from './errors.ts'
import { listConnectedApps, revokeConnectedApp } from './grants.ts'
import { parseScopeParam } from './scopes.ts'
import { s256Challenge } from './server.ts'
import { exchangeToken, revokeToken, type TokenResponse } from './tokens.ts'

const REDIRECT = 'http://127.0.0.1:4567/callback'
const VERIFIER = 'verifier-0123456789-0123456789-0123456789-0123456789'

async function rejects(promise: Promise<unknown>, code: string): Promise<AppError> {
  try {
    await promise
  } catch (error) {
    assert.ok(error instanceof AppError, String(error))
    assert.equal(error.code, code, error.message)
    return error
  }
  assert.fail(`expected ${code}`)
}

for (const kind of testDatabaseKinds()) {
  describe(`OAuth authorization server on ${kind.name}`, { skip: kind.skip }, () => {
    let handle: TestDatabaseHandle
    let platform: Platform
    let acme: TestTenant
    let clientId: string
    let challenge: string

    const authorizeParams = (extra: Record<string, string> = {}) =>
      new URLSearchParams({
        response_type: 'code',
        client_id: clientId,
        redirect_uri: REDIRECT,
        code_challenge: challenge,
        code_challenge_method: 'S256',
        state: 'st-1',
        resource: 'http://prodgy.test/mcp',
        scope: 'mcp:read mcp:write mcp:execute mcp:admin',
        ...extra,
      })

    /** Approves an authorization request as `principal` and returns the code from the redirect. */
    async function approve(
      principal: Principal,
      tenant: TestTenant,
      options: { scopes?: string[]; params?: URLSearchParams } = {},
    ): Promise<string> {
      const { redirectTo } = await decideConsent(platform, principal, options.params ?? authorizeParams(), {
        organizationId: tenant.organizationId,
        workspaceId: tenant.workspaceId,
        scopes: options.scopes ?? ['mcp:read', 'mcp:write', 'mcp:execute'],
        approve: true,
      })
      const url = new URL(redirectTo)
      assert.equal(`${url.origin}${url.pathname}`, REDIRECT)
      assert.equal(url.searchParams.get('state'), 'st-1')
      assert.equal(url.searchParams.get('iss'), 'http://prodgy.test')
      return url.searchParams.get('code') as string
    }

    const exchange = (code: string, extra: Record<string, string> = {}) =>
      exchangeToken(
        platform,
        new URLSearchParams({
          grant_type: 'authorization_code',
          code,
          redirect_uri: REDIRECT,
          code_verifier: VERIFIER,
          client_id: clientId,
          resource: 'http://prodgy.test/mcp',
          ...extra,
        }),
        undefined,
      )

    const refresh = (token: string, extra: Record<string, string> = {}) =>
      exchangeToken(
        platform,
        new URLSearchParams({ grant_type: 'refresh_token', refresh_token: token, client_id: clientId, ...extra }),
        undefined,
      )

    const principalOf = (accessToken: string) =>
      resolvePrincipal(platform, { authorization: `Bearer ${accessToken}` }) as Promise<Principal>

    before(async () => {
      handle = await kind.create({ migrated: true })
      platform = testPlatform(handle.db)
      acme = await createTenant(handle.db, { membership: true })
      const client = await registerClient(handle.db, {
        client_name: 'Claude Code',
        client_uri: 'https://claude.example',
        redirect_uris: ['http://127.0.0.1/callback'],
        token_endpoint_auth_method: 'none',
      })
      clientId = client.client_id
      challenge = await s256Challenge(VERIFIER)
    })
    after(async () => {
      await handle?.drop()
    })

    it('checks redirect URIs: https, http only on loopback, private-use schemes, no fragments', () => {
      assert.equal(redirectUriProblem('https://app.example/cb'), undefined)
      assert.equal(redirectUriProblem('http://localhost:8080/cb'), undefined)
      assert.equal(redirectUriProblem('http://[::1]/cb'), undefined)
      assert.equal(redirectUriProblem('cursor://anysphere.cursor-mcp/oauth/callback'), undefined)
      assert.match(redirectUriProblem('http://app.example/cb') ?? '', /only for 127\.0\.0\.1/)
      assert.match(redirectUriProblem('javascript:alert(1)') ?? '', /cannot receive/)
      assert.match(redirectUriProblem('https://app.example/cb#x') ?? '', /fragment/)
      assert.match(redirectUriProblem('/relative') ?? '', /absolute/)
      assert.ok(redirectUriMatches('http://127.0.0.1/callback', 'http://127.0.0.1:61234/callback'))
      assert.ok(!redirectUriMatches('http://127.0.0.1/callback', 'http://127.0.0.1:61234/other'))
      assert.ok(!redirectUriMatches('https://app.example/cb', 'https://app.example:8443/cb'))
    })

    it('registers clients per RFC 7591: a secret only for confidential ones, stored as a hash', async () => {
      const confidential = await registerClient(handle.db, {
        client_name: 'Server app',
        redirect_uris: ['https://server.example/cb'],
      })
      assert.equal(confidential.token_endpoint_auth_method, 'client_secret_basic')
      assert.match(confidential.client_secret ?? '', /^pgcs_[A-Za-z0-9_-]{43}$/)
      const [row] = await handle.db.query<Record<string, unknown>>('select * from oauth_clients where client_id = $1', [
        confidential.client_id,
      ])
      assert.equal(Object.values(row ?? {}).includes(confidential.client_secret), false)
      await rejects(registerClient(handle.db, { redirect_uris: ['http://evil.example/cb'] }), 'invalid_redirect_uri')
      await rejects(registerClient(handle.db, { client_name: 'x' }), 'invalid_redirect_uri')
      await rejects(
        registerClient(handle.db, { redirect_uris: ['https://a.example/cb'], grant_types: ['password'] }),
        'invalid_client_metadata',
      )
      const unnamed = await registerClient(handle.db, {
        redirect_uris: ['cursor://anysphere.cursor-mcp/oauth/callback'],
        token_endpoint_auth_method: 'none',
      })
      assert.equal(unnamed.client_name, 'cursor')
      assert.equal(unnamed.client_secret, undefined)
    })

    it('reads scopes: the default, offline_access dropped, unknown ones refused', () => {
      assert.deepEqual(parseScopeParam(undefined), ['mcp:read', 'mcp:write', 'mcp:execute'])
      assert.deepEqual(parseScopeParam('api:read offline_access mcp:read'), ['mcp:read', 'api:read'])
      assert.throws(() => parseScopeParam('mcp:read repo'), /Unknown scope "repo"/)
    })

    it('shows errors about the client or redirect URI to the person, and sends the rest to the client', async () => {
      const unknown = await checkAuthorizationRequest(
        platform,
        authorizeParams({ client_id: 'pgc_nobody_registered_this' }),
      )
      assert.ok(!unknown.ok && unknown.redirectUri === undefined)
      const mismatch = await checkAuthorizationRequest(
        platform,
        authorizeParams({ redirect_uri: 'http://127.0.0.1:4567/elsewhere' }),
      )
      assert.ok(!mismatch.ok && mismatch.redirectUri === undefined)
      assert.match(mismatch.error.message, /not one this application registered/)

      const cases: [Record<string, string>, string][] = [
        [{ code_challenge: '' }, 'invalid_request'],
        [{ code_challenge_method: 'plain' }, 'invalid_request'],
        [{ response_type: 'token' }, 'unsupported_response_type'],
        [{ scope: 'mcp:read admin:everything' }, 'invalid_scope'],
        [{ resource: 'https://elsewhere.example/mcp' }, 'invalid_target'],
      ]
      for (const [extra, error] of cases) {
        const check = await checkAuthorizationRequest(platform, authorizeParams(extra))
        assert.ok(!check.ok && check.redirectUri === REDIRECT, JSON.stringify(extra))
        assert.equal(check.error.error, error)
      }
      const ok = await checkAuthorizationRequest(platform, authorizeParams({ resource: 'http://prodgy.test/' }))
      assert.ok(ok.ok)
      assert.equal(ok.request.resource, 'http://prodgy.test')
    })

    it('lists the organizations and workspaces the person can choose on the consent page', async () => {
      const details = await getConsentDetails(platform, acme.principal, authorizeParams())
      assert.equal(details.client.name, 'Claude Code')
      assert.equal(details.client.uri, 'https://claude.example')
      assert.deepEqual(details.requestedScopes, ['mcp:read', 'mcp:write', 'mcp:execute', 'mcp:admin'])
      assert.deepEqual(details.organizations, [
        { id: acme.organizationId, name: 'Acme', role: 'admin', workspaces: [{ id: acme.workspaceId, name: 'Main' }] },
      ])
    })

    it('denying sends access_denied to the client and records nothing', async () => {
      const { redirectTo } = await decideConsent(platform, acme.principal, authorizeParams(), {
        organizationId: acme.organizationId,
        workspaceId: acme.workspaceId,
        approve: false,
      })
      const url = new URL(redirectTo)
      assert.equal(url.searchParams.get('error'), 'access_denied')
      assert.equal(url.searchParams.get('state'), 'st-1')
      assert.equal(url.searchParams.get('code'), null)
      assert.equal((await listConnectedApps(platform, acme.principal)).items.length, 0)
    })

    it('exchanges a code with the right PKCE verifier for opaque tokens, once', async () => {
      const code = await approve(acme.principal, acme)
      await rejects(exchange(code, { code_verifier: `x${VERIFIER}` }), 'invalid_grant')
      await rejects(exchange(code, { redirect_uri: 'http://127.0.0.1:9999/callback' }), 'invalid_grant')
      await rejects(exchange(code, { resource: 'https://elsewhere.example/' }), 'invalid_target')
      const tokens = await exchange(code)
      assert.match(tokens.access_token, /^pgoa_[A-Za-z0-9_-]{43}$/)
      assert.match(tokens.refresh_token, /^pgor_[A-Za-z0-9_-]{43}$/)
      assert.equal(tokens.token_type, 'Bearer')
      assert.equal(tokens.expires_in, 3600)
      assert.equal(tokens.scope, 'mcp:read mcp:write mcp:execute')
      const stored = await handle.db.query<{ token_hash: string }>('select token_hash from oauth_tokens')
      assert.ok(stored.every((r) => r.token_hash !== tokens.access_token && r.token_hash !== tokens.refresh_token))

      const principal = await principalOf(tokens.access_token)
      assert.equal(principal.kind, 'oauth')
      assert.equal(principal.user?.id, acme.userId)
      assert.equal(principal.organizationId, acme.organizationId)
      assert.equal(principal.workspaceId, acme.workspaceId)
      assert.equal(principal.role, 'admin')
      assert.deepEqual(principal.scopes, ['mcp:read', 'mcp:write', 'mcp:execute'])

      // a second use of the code revokes what the first one gave
      const reuse = await rejects(exchange(code), 'invalid_grant')
      assert.match(reuse.message, /already used/)
      await rejects(principalOf(tokens.access_token), 'token_revoked')
      await rejects(refresh(tokens.refresh_token), 'invalid_grant')
    })

    it('rotates refresh tokens, narrows scopes on request, and revokes the grant tokens on reuse', async () => {
      const first = await exchange(await approve(acme.principal, acme))
      const second = await refresh(first.refresh_token)
      assert.notEqual(second.refresh_token, first.refresh_token)
      assert.equal(second.scope, 'mcp:read mcp:write mcp:execute')
      const narrowed = await refresh(second.refresh_token, { scope: 'mcp:read' })
      assert.equal(narrowed.scope, 'mcp:read')
      assert.deepEqual((await principalOf(narrowed.access_token)).scopes, ['mcp:read'])
      await rejects(refresh(narrowed.refresh_token, { scope: 'mcp:read mcp:admin' }), 'invalid_scope')
      const third = await refresh(narrowed.refresh_token, { scope: 'mcp:read' })

      // the rotated token presented again: every token of the grant stops working
      const replay = await rejects(refresh(second.refresh_token), 'invalid_grant')
      assert.match(replay.message, /already used/)
      await rejects(principalOf(third.access_token), 'token_revoked')
      await rejects(refresh(third.refresh_token), 'invalid_grant')
    })

    it('refuses tokens to another client and unknown grant types', async () => {
      const other = await registerClient(handle.db, {
        client_name: 'Other',
        redirect_uris: [REDIRECT],
        token_endpoint_auth_method: 'none',
      })
      const tokens = await exchange(await approve(acme.principal, acme))
      await rejects(refresh(tokens.refresh_token, { client_id: other.client_id }), 'invalid_grant')
      await rejects(refresh(tokens.refresh_token, { client_id: 'pgc_not_a_registered_client' }), 'invalid_client')
      await rejects(
        exchangeToken(platform, new URLSearchParams({ grant_type: 'password', client_id: clientId }), undefined),
        'unsupported_grant_type',
      )
    })

    it('authenticates confidential clients with Basic or the body, per their registration', async () => {
      const basic = await registerClient(handle.db, { client_name: 'Basic', redirect_uris: [REDIRECT] })
      const params = (code: string) =>
        new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: VERIFIER })
      const basicHeader = (secret: string) => `Basic ${btoa(`${basic.client_id}:${secret}`)}`
      const code = await approve(acme.principal, acme, { params: authorizeParams({ client_id: basic.client_id }) })
      await rejects(exchangeToken(platform, params(code), basicHeader('wrong')), 'invalid_client')
      const withSecretInBody = params(code)
      withSecretInBody.set('client_id', basic.client_id)
      withSecretInBody.set('client_secret', basic.client_secret as string)
      await rejects(exchangeToken(platform, withSecretInBody, undefined), 'invalid_client')
      const tokens = await exchangeToken(platform, params(code), basicHeader(basic.client_secret as string))
      assert.match(tokens.access_token, /^pgoa_/)
    })

    it('revokes per RFC 7009: an access token alone, a refresh token with its chain; unknown tokens are ignored', async () => {
      const tokens = await exchange(await approve(acme.principal, acme))
      const revoke = (token: string) =>
        revokeToken(platform, new URLSearchParams({ token, client_id: clientId }), undefined)
      await revoke('pgoa_not-a-real-token')
      await revoke(tokens.access_token)
      await rejects(principalOf(tokens.access_token), 'token_revoked')
      const fresh = await refresh(tokens.refresh_token)
      assert.equal((await principalOf(fresh.access_token)).kind, 'oauth')
      await revoke(fresh.refresh_token)
      await rejects(principalOf(fresh.access_token), 'token_revoked')
      await rejects(refresh(fresh.refresh_token), 'invalid_grant')
    })

    it('lets only administrators grant admin scopes, and only scopes the client asked for', async () => {
      const member = await createTenant(handle.db, {
        organizationName: 'Beta',
        email: 'member@beta.test',
        role: 'user',
        membership: true,
      })
      await rejects(approve(member.principal, member, { scopes: ['mcp:read', 'mcp:admin'] }), 'admin_scope_forbidden')
      await rejects(approve(member.principal, member, { scopes: ['api:write'] }), 'validation_failed')
      await rejects(approve(member.principal, member, { scopes: [] }), 'validation_failed')
      await rejects(approve(member.principal, acme, { scopes: ['mcp:read'] }), 'not_a_member')
      const tokens = await exchange(await approve(member.principal, member, { scopes: ['mcp:read'] }))
      const principal = await principalOf(tokens.access_token)
      assert.equal(principal.role, 'user')
      assert.deepEqual(principal.scopes, ['mcp:read'])

      // removing the person from the organization stops the app at once
      await handle.db.query('delete from memberships where user_id = $1', [member.userId])
      await rejects(principalOf(tokens.access_token), 'token_owner_removed')
    })

    it('keeps connected apps apart per organization and per person; revoking one ends its tokens', async () => {
      const other = await createTenant(handle.db, {
        organizationName: 'Gamma',
        email: 'admin@gamma.test',
        membership: true,
      })
      const colleague = await handle.db.query<{ id: string }>(
        `insert into users (email, full_name) values ('colleague@acme.test', 'Col League') returning id`,
      )
      const colleagueId = colleague[0]?.id as string
      await handle.db.query(`insert into memberships (organization_id, user_id, role) values ($1, $2, 'user')`, [
        acme.organizationId,
        colleagueId,
      ])
      await handle.db.query(
        `insert into workspace_access (organization_id, workspace_id, user_id) values ($1, $2, $3)`,
        [acme.organizationId, acme.workspaceId, colleagueId],
      )
      const colleaguePrincipal = principalFor({ id: colleagueId, email: 'colleague@acme.test' }, acme.organizationId, {
        role: 'user',
      })
      const colleagueTokens = await exchange(await approve(colleaguePrincipal, acme, { scopes: ['mcp:read'] }))
      const gammaTokens = await exchange(await approve(other.principal, other))

      const adminView = (await listConnectedApps(platform, acme.principal, acme.workspaceId)).items
      assert.ok(adminView.some((a) => a.userId === colleagueId))
      assert.ok(adminView.every((a) => a.organizationId === acme.organizationId))
      const own = (await listConnectedApps(platform, colleaguePrincipal, acme.workspaceId)).items
      assert.deepEqual(
        own.map((a) => [a.userName, a.clientName, a.scopes, a.workspaceName]),
        [['Col League', 'Claude Code', ['mcp:read'], 'Main']],
      )
      const gammaView = (await listConnectedApps(platform, other.principal)).items
      assert.equal(gammaView.length, 1)
      const gammaGrant = gammaView[0]?.id as string

      // other tenants' grants are not found; a colleague cannot revoke the admin's grant
      await rejects(revokeConnectedApp(platform, acme.principal, gammaGrant), 'connected_app_not_found')
      const adminGrant = adminView.find((a) => a.userId === acme.userId)?.id as string
      await rejects(revokeConnectedApp(platform, colleaguePrincipal, adminGrant), 'connected_app_forbidden')
      assert.equal((await principalOf(gammaTokens.access_token)).organizationId, other.organizationId)

      // the admin revokes the colleague's app: its tokens stop at once
      const colleagueGrant = own[0]?.id as string
      await revokeConnectedApp(platform, acme.principal, colleagueGrant)
      await rejects(principalOf(colleagueTokens.access_token), 'token_revoked')
      await rejects(refresh(colleagueTokens.refresh_token), 'invalid_grant')
      assert.equal((await listConnectedApps(platform, colleaguePrincipal)).items.length, 0)
      const [audit] = await handle.db.query<{ action: string; actor_user_id: string }>(
        `select action, actor_user_id from audit_log where target_id = $1 order by created_at desc limit 1`,
        [colleagueGrant],
      )
      assert.deepEqual(audit, { action: 'oauth.app_revoked', actor_user_id: acme.userId })
    })

    it('counts the uses of each grant', async () => {
      const tokens: TokenResponse = await exchange(await approve(acme.principal, acme))
      const before = (await listConnectedApps(platform, acme.principal)).items.find((a) => a.userId === acme.userId)
      await principalOf(tokens.access_token)
      await principalOf(tokens.access_token)
      const after = (await listConnectedApps(platform, acme.principal)).items.find((a) => a.userId === acme.userId)
      assert.equal((after?.usageCount ?? 0) - (before?.usageCount ?? 0), 2)
      assert.ok(after?.lastUsedAt)
    })

    it('refuses connected apps where a session is required', async () => {
      const tokens = await exchange(await approve(acme.principal, acme))
      const principal = await principalOf(tokens.access_token)
      await rejects(listConnectedApps(platform, principal), 'session_required')
      await rejects(getConsentDetails(platform, principal, authorizeParams()), 'session_required')
      assert.ok(new OAuthError('invalid_client', 'x').status === 401)
    })
  })
}
